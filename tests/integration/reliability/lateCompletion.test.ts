/**
 * Idempotent completion: a step that finishes after the gateway gave up on it (a 504 callback) has done its
 * work, and that work counts. The orchestrator's timeout verdict does not throw the result away: the late
 * success is recorded, the reconcile tick acts on it, and no second attempt repeats the work.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { runStepOnce } from '#pipeline/runStepOnce.ts';
import type { StepOutcome } from '#pipeline/steps.ts';
import { sql } from '#platform/db/sql.ts';
import { createLogger } from '#platform/log.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { callbackFor, createHarness, syncFixtureMetadata, type Harness } from '#support/orchestratorHarness.ts';
import { FIXTURE_METADATA } from '../shared/orchestrator/fixtureMetadata.ts';

type Context = { db: TestDatabase; h: Harness };
const late = suite<Context>('late completion');

late.before(async (context) => {
  context.db = await createTestDatabase();
  await syncFixtureMetadata(context.db.pool, FIXTURE_METADATA);
  context.h = createHarness(context.db.pool, { config: { maxAttempts: 4, retryBaseMs: 1000 } });
});
late.after(async ({ db }) => {
  await db.drop();
});

const stepRow = z.object({ step: z.string(), chunk: z.number(), attempt: z.number(), status: z.string() });
const rows = (db: TestDatabase, runId: string) => db.pool.any(sql.type(stepRow)`
  SELECT step, chunk, attempt, status FROM platform.run_steps WHERE run_id = ${runId} ORDER BY dispatched_at, step`);

late('a chunk that completes after its 504 is recognised: recorded, acted on by the tick, never run again', async ({ db, h }) => {
  await h.orchestrator.startRuns({ source: 'shop', dataset: 'orders', full: false, trigger: 'manual' });
  const [extract] = h.dispatcher.take();
  assert.ok(extract);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let runs = 0;
  const outcome: StepOutcome = { status: 'done', unchanged: false, counts: { read: 42, inserted: 0, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0 }, detail: {} };
  const running = runStepOnce({
    pool: db.pool,
    request: extract.request,
    step: 'extract',
    runner: async () => {
      runs += 1;
      await gate;
      return outcome;
    },
    resources: {},
    budgetMs: 55_000,
    log: createLogger({ level: 'error', sink: () => undefined }),
  });
  await new Promise((resolve) => setTimeout(resolve, 200));
  // the gateway cuts the call at its timeout and the queue-worker reports 504 without a body
  const timedOut = await h.orchestrator.handleCallback(callbackFor(extract, { httpStatus: 504, text: 'upstream timed out' }));
  assert.is((timedOut.body as { outcome: string }).outcome, 'retry_scheduled');
  // …while the function goes on and finishes its work
  release();
  const result = await running;
  assert.is(result.counts.read, 42);
  // the tick finds the recorded success and moves the run on; the retry never runs the chunk again
  h.clock.advance(60_000);
  await h.orchestrator.tick({ trigger: 'manual' });
  const next = h.dispatcher.take();
  assert.equal(next.map((order) => [order.target.step, order.target.chunk, order.target.attempt]), [['bronze', 0, 1]], 'the run goes on to bronze');
  assert.equal((await rows(db, extract.target.runId)).filter((row) => row.step === 'extract'), [{ step: 'extract', chunk: 0, attempt: 1, status: 'succeeded' }]);
  assert.is(runs, 1, 'the work ran once');
});

late('a chunk that completes after its retry was dispatched (not yet started) is recorded too; the retry replays it', async ({ db, h }) => {
  await db.pool.query(sql.unsafe`UPDATE platform.runs SET status = 'failed' WHERE status = 'running'`);
  await h.orchestrator.startRuns({ source: 'shop', dataset: 'orders', full: false, trigger: 'manual' });
  const [extract] = h.dispatcher.take();
  assert.ok(extract);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const outcome: StepOutcome = { status: 'done', unchanged: false, counts: { read: 7, inserted: 0, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0 }, detail: {} };
  const base = { pool: db.pool, step: 'extract' as const, resources: {}, budgetMs: 55_000, log: createLogger({ level: 'error', sink: () => undefined }) };
  const running = runStepOnce({ ...base, request: extract.request, runner: async () => (await gate, outcome) });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await h.orchestrator.handleCallback(callbackFor(extract, { httpStatus: 504, text: 'upstream timed out' }));
  h.clock.advance(60_000);
  await h.orchestrator.tick({ trigger: 'manual' });
  const [retry] = h.dispatcher.take();
  assert.equal([retry?.target.step, retry?.target.attempt], ['extract', 2], 'the retry was dispatched');
  release();
  await running;
  // the retry arrives after the late completion: it replays the recorded result instead of running again
  let reran = false;
  const replayed = await runStepOnce({ ...base, request: retry!.request, runner: async () => ((reran = true), outcome) });
  assert.is(reran, false);
  assert.is(replayed.replayed, true);
  await h.orchestrator.handleCallback(callbackFor(retry!, { status: 'done', counts: { read: 7 }, replayed: true }));
  assert.equal(h.dispatcher.take().map((order) => order.target.step), ['bronze']);
});

late.run();
