/**
 * Invocation logs in Postgres: a step function and the orchestrator keep the lines of each invocation
 * with its run, step, chunk and attempt; bounded per invocation and by retention; what `GET /runs/<id>/logs` answers.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { createOrchestrator } from '#orchestrator/createOrchestrator.ts';
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { pruneInvocationLogs } from '#pipeline/logs/pruneInvocationLogs.ts';
import { saveInvocationLogs } from '#pipeline/logs/saveInvocationLogs.ts';
import type { InvocationLogLine } from '#pipeline/logs/createInvocationLogBuffer.ts';
import { PlatformError } from '#platform/errors.ts';
import { sql } from '#platform/db/sql.ts';
import { createFunctionResources, type FunctionResources } from '#platform/function/createFunctionResources.ts';
import { toJsonSafe } from '#platform/function/toJsonSafe.ts';
import { createLogger } from '#platform/log.ts';
import { registerSecretValue } from '#platform/redact.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { callbackFor, createRecordingDispatcher, createTestClock, syncFixtureMetadata } from '#support/orchestratorHarness.ts';
import { callStep, createTestRun } from '#support/stepRuns.ts';
import { FIXTURE_METADATA } from '../../orchestrator/fixtureMetadata.ts';

type Context = { db: TestDatabase; resources: FunctionResources };
const test = suite<Context>('invocation logs');

const quiet = () => createLogger({ level: 'info', sink: () => undefined });
const storedRow = z.object({ step: z.string().nullable(), chunk: z.number().nullable(), attempt: z.number().nullable(), function_name: z.string(), level: z.string(), event: z.string(), line: z.string() });
const stored = (db: TestDatabase, runId: string) => db.pool.any(sql.type(storedRow)`
  SELECT step, chunk, attempt, function_name, level, event, line FROM platform.invocation_logs WHERE run_id = ${runId} ORDER BY log_id`);

test.before(async (context) => {
  context.db = await createTestDatabase();
  context.resources = createFunctionResources({ databaseUrl: context.db.url });
});
test.after(async ({ db, resources }) => {
  await resources.close();
  await db.drop();
});

test("a step function keeps every line of an invocation — its runner's own loggers included — with run, step, chunk and attempt", async ({ db, resources }) => {
  registerSecretValue('s3cr3t-api-token');
  const runId = await createTestRun(db.pool, { source: 'bank', dataset: 'statements', load: 'full' });
  let calls = 0;
  const handler = createStepHandler({
    functionName: 'files',
    step: 'extract',
    resources,
    log: quiet(),
    runner: async ({ request }) => {
      calls += 1;
      // a runner logs through a logger of its own, as the connectors and layers do
      createLogger({ level: 'info', sink: () => undefined }).child({ run_id: request.runId, source: 'bank' }).info('files.found', { files: 1, token: 's3cr3t-api-token' });
      if (calls === 1) throw new PlatformError('files.bad_file', 'statements.csv line 3: `<b>` is not a date', { retryable: true, status: 503 });
      return { status: 'done', counts: { read: 4 } };
    },
  });
  const request = { runId, source: 'bank', dataset: 'statements', chunk: 0 };
  assert.is((await callStep(handler, request)).status, 503);
  assert.is((await callStep(handler, request)).status, 200);
  const lines = await stored(db, runId);
  assert.equal(lines.map((line) => [line.step, line.chunk, line.attempt, line.function_name, line.level, line.event]), [
    ['extract', 0, 1, 'files', 'info', 'step.started'],
    ['extract', 0, 1, 'files', 'info', 'files.found'],
    ['extract', 0, 1, 'files', 'error', 'step.failed'],
    ['extract', 0, 2, 'files', 'info', 'step.started'],
    ['extract', 0, 2, 'files', 'info', 'files.found'],
    ['extract', 0, 2, 'files', 'info', 'step.finished'],
  ]);
  assert.match(lines[2]!.line, /is not a date/);
  assert.ok(lines.every((line) => !line.line.includes('s3cr3t-api-token')), 'secret values stay masked');
  assert.match(lines[1]!.line, /\[redacted\]/);
});

test('the orchestrator keeps its lines about a run, and GET /runs/<id>/logs answers them all in order, one step with ?step', async ({ db }) => {
  await syncFixtureMetadata(db.pool, FIXTURE_METADATA);
  const dispatcher = createRecordingDispatcher();
  const orchestrator = createOrchestrator({ pool: db.pool, dispatcher, clock: createTestClock(), secrets: { get: async () => 'unused' }, log: quiet() });
  await orchestrator.startRuns({ source: 'shop', dataset: 'orders', full: false, trigger: 'manual' });
  const extract = dispatcher.take()[0]!;
  await orchestrator.handleCallback(callbackFor(extract, { httpStatus: 400, error: { code: 'connector.bad_settings', message: 'the <api> said no', retryable: false } }));
  const runId = extract.target.runId;
  const reply = toJsonSafe((await orchestrator.getRunLogs(runId, { limit: 100 })).body) as { status: string; lines: { step: string | null; function: string; event: string; attempt: number | null }[] };
  assert.is(reply.status, 'failed');
  assert.equal(reply.lines.map((line) => [line.step, line.attempt, line.function, line.event]), [
    [null, null, 'orchestrator', 'run.started'],
    ['extract', 1, 'orchestrator', 'step.sent'],
    ['extract', 1, 'orchestrator', 'run.failed'],
  ]);
  const onlyExtract = toJsonSafe((await orchestrator.getRunLogs(runId, { step: 'extract', limit: 100 })).body) as { lines: unknown[] };
  assert.is(onlyExtract.lines.length, 2);
  try {
    await orchestrator.getRunLogs('no-such-run', { limit: 10 });
    assert.unreachable('an unknown run is a 404');
  } catch (error) {
    assert.is((error as PlatformError).code, 'run.not_found');
  }
});

const line = (runId: string, event: string, at = new Date()): InvocationLogLine => ({ runId, step: 'silver', chunk: 0, attempt: 1, functionName: 'silver', loggedAt: at.toISOString(), level: 'info', event, line: JSON.stringify({ event }) });

test('storing is bounded per invocation across flushes, and skips lines of runs that do not exist', async ({ db }) => {
  const runId = await createTestRun(db.pool, { source: 'bank', dataset: 'capped', load: 'full' });
  assert.is(await saveInvocationLogs(db.pool, [line(runId, 'a'), line(runId, 'b'), line('gone', 'c'), line(runId, 'd')], 5), 3);
  assert.is(await saveInvocationLogs(db.pool, [line(runId, 'e'), line(runId, 'f'), line(runId, 'g')], 5), 2);
  assert.equal((await stored(db, runId)).map((entry) => entry.event), ['a', 'b', 'd', 'e', 'f']);
  assert.is(await saveInvocationLogs(db.pool, [{ ...line(runId, 'other attempt'), attempt: 2 }], 5), 1, 'another attempt has its own cap');
});

test('the retention deletes old lines only, in slices', async ({ db }) => {
  const runId = await createTestRun(db.pool, { source: 'bank', dataset: 'old', load: 'full' });
  const old = new Date(Date.now() - 40 * 86_400_000);
  await saveInvocationLogs(db.pool, [line(runId, 'old-1', old), line(runId, 'old-2', old), line(runId, 'old-3', old), line(runId, 'fresh')], 100);
  assert.is(await pruneInvocationLogs(db.pool, 30, 2), 2);
  assert.is(await pruneInvocationLogs(db.pool, 30, 2), 1);
  assert.is(await pruneInvocationLogs(db.pool, 30, 2), 0);
  assert.equal((await stored(db, runId)).map((entry) => entry.event), ['fresh']);
});

test.run();
