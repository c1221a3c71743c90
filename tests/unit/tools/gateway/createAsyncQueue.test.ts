import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createAsyncQueue } from '#tools/gateway/createAsyncQueue.ts';

/** A job that waits until released, recording when it starts and ends. */
function gatedJob(name: string, events: string[]): { job: () => Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    job: async () => {
      events.push(`start ${name}`);
      await gate;
      events.push(`end ${name}`);
    },
    release: () => release(),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('concurrency 1 runs jobs one at a time in arrival order', async () => {
  const events: string[] = [];
  const queue = createAsyncQueue(1, () => undefined);
  const jobs = ['a', 'b', 'c'].map((name) => gatedJob(name, events));
  for (const { job } of jobs) queue.enqueue(job);
  await tick();
  assert.equal(events, ['start a']);
  assert.is(queue.waiting(), 2);
  for (const { release } of jobs) {
    release();
    await tick();
    await tick();
  }
  await queue.idle();
  assert.equal(events, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
});

test('a higher concurrency runs that many jobs at once', async () => {
  const events: string[] = [];
  const queue = createAsyncQueue(2, () => undefined);
  const jobs = ['a', 'b', 'c'].map((name) => gatedJob(name, events));
  for (const { job } of jobs) queue.enqueue(job);
  await tick();
  assert.equal(events, ['start a', 'start b']);
  jobs[1]!.release();
  await tick();
  await tick();
  assert.equal(events, ['start a', 'start b', 'end b', 'start c']);
  jobs[0]!.release();
  jobs[2]!.release();
  await queue.idle();
});

test('a failing job is reported once and dropped (no retry); the queue goes on', async () => {
  const errors: unknown[] = [];
  let runs = 0;
  const queue = createAsyncQueue(1, (error) => errors.push(error));
  queue.enqueue(async () => {
    runs += 1;
    throw new Error('boom');
  });
  let after = false;
  queue.enqueue(async () => {
    after = true;
  });
  await queue.idle();
  assert.is(runs, 1);
  assert.is(errors.length, 1);
  assert.ok(after);
});

test.run();
