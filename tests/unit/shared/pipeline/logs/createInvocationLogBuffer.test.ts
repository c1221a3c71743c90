import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createLogger, withLogCapture } from '#platform/log.ts';
import { registerSecretValue } from '#platform/redact.ts';
import { createInvocationLogBuffer } from '#pipeline/logs/createInvocationLogBuffer.ts';

const quiet = (fields: Record<string, unknown> = { fn: 'files' }) => createLogger({ level: 'info', sink: () => undefined, fields });

test("a step invocation's lines are attributed to its run, step and chunk, and take the attempt step.started named", async () => {
  const buffer = createInvocationLogBuffer({ functionName: 'files', linesPerInvocation: 50, defaults: { runId: 'run-1', step: 'extract', chunk: 2 } });
  await withLogCapture(buffer.capture, async () => {
    const runner = quiet().child({ run_id: 'run-1', source: 'bank', dataset: 'transactions' });
    runner.info('files.found', { files: 2 });
    quiet().child({ run_id: 'run-1', step: 'extract', chunk: 2 }).info('step.started', { attempt: 3 });
    quiet().debug('below the level');
    quiet().warn('no.run', { note: 'still this invocation: the defaults name the run' });
  });
  const lines = buffer.take();
  assert.equal(lines.map((line) => [line.runId, line.step, line.chunk, line.attempt, line.functionName, line.level, line.event]), [
    ['run-1', 'extract', 2, 3, 'files', 'info', 'files.found'],
    ['run-1', 'extract', 2, 3, 'files', 'info', 'step.started'],
    ['run-1', 'extract', 2, 3, 'files', 'warn', 'no.run'],
  ]);
  assert.equal(JSON.parse(lines[0]!.line).files, 2);
  assert.equal(buffer.take(), [], 'take forgets what it handed over');
});

test('without defaults (the orchestrator) only lines naming a run are kept, each with its own step, chunk and attempt', async () => {
  const buffer = createInvocationLogBuffer({ functionName: 'orchestrator', linesPerInvocation: 50 });
  await withLogCapture(buffer.capture, async () => {
    quiet({ fn: 'orchestrator' }).info('tick.done', { sent: 2 });
    quiet({ fn: 'orchestrator' }).child({ run_id: 'r-a', step: 'bronze', chunk: 0, attempt: 1 }).info('step.sent');
    quiet({ fn: 'orchestrator' }).child({ run_id: 'r-b' }).info('run.started');
  });
  assert.equal(buffer.take().map((line) => [line.runId, line.step, line.chunk, line.attempt, line.event]), [
    ['r-a', 'bronze', 0, 1, 'step.sent'],
    ['r-b', null, null, null, 'run.started'],
  ]);
});

test('the cap keeps the first lines and one line counting the dropped ones; long lines are cut; secrets stay masked', async () => {
  registerSecretValue('hunter2-secret-value');
  const buffer = createInvocationLogBuffer({ functionName: 'bronze', linesPerInvocation: 10, maxLineChars: 200, defaults: { runId: 'run-9', step: 'bronze', chunk: 0 } });
  await withLogCapture(buffer.capture, async () => {
    for (let index = 0; index < 25; index += 1) quiet().info('row.read', { index, token: 'hunter2-secret-value', padding: 'x'.repeat(300) });
  });
  const lines = buffer.take();
  assert.is(lines.length, 10);
  assert.equal(lines.slice(0, 9).map((line) => line.line.length), Array(9).fill(200));
  assert.ok(lines.every((line) => !line.line.includes('hunter2-secret-value')));
  assert.match(lines[0]!.line, /\[redacted\]/);
  const note = lines[9]!;
  assert.is(note.event, 'log.lines_dropped');
  assert.is(note.level, 'warn');
  assert.is(JSON.parse(note.line).dropped, 16);
});

test('two invocations running at once each capture only their own lines', async () => {
  const first = createInvocationLogBuffer({ functionName: 'silver', linesPerInvocation: 50, defaults: { runId: 'one' } });
  const second = createInvocationLogBuffer({ functionName: 'silver', linesPerInvocation: 50, defaults: { runId: 'two' } });
  const work = (label: string) => async () => {
    for (let index = 0; index < 5; index += 1) {
      quiet().info(`${label}.${index}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };
  await Promise.all([withLogCapture(first.capture, work('one')), withLogCapture(second.capture, work('two'))]);
  assert.equal(first.take().map((line) => `${line.runId}:${line.event}`), ['one:one.0', 'one:one.1', 'one:one.2', 'one:one.3', 'one:one.4']);
  assert.equal(second.take().map((line) => `${line.runId}:${line.event}`), ['two:two.0', 'two:two.1', 'two:two.2', 'two:two.3', 'two:two.4']);
});

test.run();
