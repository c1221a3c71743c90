/**
 * The state machine driven by callbacks: chunks, steps, the end of a run, duplicates and late attempts,
 * retries with backoff, and errors that fail a run at once. Dispatches go to a recording dispatcher; the
 * callbacks go through the real callback parser.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { PlatformError, TransientError } from '#platform/errors.ts';
import type { DispatchOrder } from '#orchestrator/dispatch/dispatcher.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { callbackFor, createHarness, syncFixtureMetadata, type Harness } from '#support/orchestratorHarness.ts';
import { FIXTURE_METADATA } from '../fixtureMetadata.ts';

type Context = { db: TestDatabase; h: Harness };
const test = suite<Context>('orchestrator handleCallback');

test.before(async (context) => {
  context.db = await createTestDatabase();
  await syncFixtureMetadata(context.db.pool, FIXTURE_METADATA);
});

test.before.each(async (context) => {
  await context.db.pool.query(sql.unsafe`TRUNCATE platform.runs, platform.events CASCADE`);
  context.h = createHarness(context.db.pool, { config: { maxAttempts: 3, retryBaseMs: 1000 } });
});

test.after(async ({ db }) => {
  await db.drop();
});

async function start(h: Harness, dataset: string): Promise<DispatchOrder> {
  await h.orchestrator.startRuns({ source: 'shop', dataset, full: false, trigger: 'manual' });
  const [order] = h.dispatcher.take();
  assert.ok(order, 'the first step was dispatched');
  return order;
}

function only(h: Harness): DispatchOrder {
  const orders = h.dispatcher.take();
  assert.is(orders.length, 1, `exactly one dispatch, got ${JSON.stringify(orders.map((o) => o.target))}`);
  return orders[0]!;
}

const runStatus = (db: TestDatabase, runId: string) => db.pool.one(sql.type(z.object({ status: z.string(), error: z.unknown() }))`SELECT status, error FROM platform.runs WHERE run_id = ${runId}`);

test('extract → bronze → silver: continue sends the next chunk with the checkpoint (dates survive), done sends the next step, silver ends the run', async ({ db, h }) => {
  const extract = await start(h, 'orders');
  const since = new Date('2026-05-04T06:00:00Z');
  const reply = await h.orchestrator.handleCallback(callbackFor(extract, { status: 'continue', checkpoint: { part: 3, since }, counts: { read: 300 } }));
  assert.equal(reply.body, { outcome: 'continued', run_id: extract.target.runId, step: 'extract', chunk: 0, attempt: 1 });
  const second = only(h);
  assert.equal(second.target, { runId: extract.target.runId, step: 'extract', chunk: 1, attempt: 1 });
  assert.is(second.functionName, 'files');
  assert.equal(second.request.checkpoint, { part: 3, since });
  assert.ok((second.request.checkpoint as { since: unknown }).since instanceof Date);

  await h.orchestrator.handleCallback(callbackFor(second, { status: 'done', counts: { read: 120 } }));
  const bronze = only(h);
  assert.equal([bronze.functionName, bronze.target.step, bronze.target.chunk], ['bronze', 'bronze', 0]);
  assert.is(bronze.request.checkpoint, undefined);

  await h.orchestrator.handleCallback(callbackFor(bronze, { status: 'done', counts: { read: 420, inserted: 420 } }));
  const silver = only(h);
  assert.equal([silver.functionName, silver.target.step], ['silver', 'silver']);

  const end = await h.orchestrator.handleCallback(callbackFor(silver, { status: 'done', counts: { read: 420 , unchanged: 420 } }));
  assert.is((end.body as { outcome: string }).outcome, 'run_succeeded');
  assert.is((await runStatus(db, extract.target.runId)).status, 'succeeded');
  const counts = await db.pool.any(sql.type(z.object({ step: z.string(), chunk: z.number(), rows_read: z.bigint(), status: z.string() }))`
    SELECT step, chunk, rows_read, status FROM platform.run_steps WHERE run_id = ${extract.target.runId} ORDER BY array_position(ARRAY['extract', 'bronze', 'silver'], step), chunk`);
  assert.equal(counts.map((row) => [row.step, row.chunk, Number(row.rows_read), row.status]), [['extract', 0, 300, 'succeeded'], ['extract', 1, 120, 'succeeded'], ['bronze', 0, 420, 'succeeded'], ['silver', 0, 420, 'succeeded']]);
  assert.equal(h.dispatcher.take(), [], 'a silver merge that changed nothing starts no gold run');
  const events = await db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.events`);
  assert.is(events, 0n);
});

test('a callback delivered twice, or one of an older attempt, changes nothing', async ({ db, h }) => {
  const extract = await start(h, 'orders');
  const done = callbackFor(extract, { status: 'done', counts: { read: 5 } });
  await h.orchestrator.handleCallback(done);
  const bronze = only(h);
  const again = await h.orchestrator.handleCallback(done);
  assert.equal(again.body, { outcome: 'ignored', reason: 'duplicate: this attempt was already handled', run_id: extract.target.runId, step: 'extract', chunk: 0 });
  assert.equal(h.dispatcher.take(), []);

  // bronze fails, is retried as attempt 2; the late answer of attempt 1 arrives afterwards.
  await h.orchestrator.handleCallback(callbackFor(bronze, { httpStatus: 503, error: { code: 'db.unavailable', message: 'database restarting', retryable: true } }));
  h.clock.advance(1000);
  await h.orchestrator.tick({ trigger: 'manual' });
  const retry = only(h);
  assert.is(retry.target.attempt, 2);
  const late = await h.orchestrator.handleCallback(callbackFor(bronze, { status: 'done', counts: { read: 999 } }));
  assert.equal((late.body as { reason: string }).reason, 'attempt 1 was superseded by attempt 2');
  const row = await db.pool.one(sql.type(z.object({ status: z.string(), attempt: z.number(), rows_read: z.bigint() }))`SELECT status, attempt, rows_read FROM platform.run_steps WHERE run_id = ${extract.target.runId} AND step = 'bronze'`);
  assert.equal(row, { status: 'dispatched', attempt: 2, rows_read: 0n });
  assert.equal(h.dispatcher.take(), []);
});

test('a retryable error schedules the next attempt after the backoff (not before), and the run completes', async ({ db, h }) => {
  const extract = await start(h, 'orders');
  const failed = await h.orchestrator.handleCallback(callbackFor(extract, { httpStatus: 503, error: { code: 'http.unavailable', message: 'API answered 503', retryable: true } }));
  assert.is((failed.body as { outcome: string }).outcome, 'retry_scheduled');
  const row = await db.pool.one(sql.type(z.object({ status: z.string(), next_attempt_at: z.date(), error: z.record(z.string(), z.unknown()) }))`
    SELECT status, next_attempt_at, error FROM platform.run_steps WHERE run_id = ${extract.target.runId}`);
  assert.is(row.status, 'failed');
  assert.is(row.next_attempt_at.getTime(), h.clock.now() + 1000, 'attempt 1 failed: backoff is the base delay');
  assert.equal(row.error, { code: 'http.unavailable', message: 'API answered 503', retryable: true, status: 503 });

  h.clock.advance(999);
  await h.orchestrator.tick({ trigger: 'manual' });
  assert.equal(h.dispatcher.take(), [], 'not before the backoff passed');
  h.clock.advance(1);
  await h.orchestrator.tick({ trigger: 'manual' });
  const second = only(h);
  assert.equal(second.target, { ...extract.target, attempt: 2 });
  assert.is(second.request.attempt, 2);

  // attempt 2 fails too: the backoff doubles.
  await h.orchestrator.handleCallback(callbackFor(second, { httpStatus: 502, text: 'Bad Gateway' }));
  const again = await db.pool.one(sql.type(z.object({ next_attempt_at: z.date(), code: z.string() }))`SELECT next_attempt_at, error->>'code' AS code FROM platform.run_steps WHERE run_id = ${extract.target.runId}`);
  assert.is(again.next_attempt_at.getTime(), h.clock.now() + 2000);
  assert.is(again.code, 'step.timeout');
  h.clock.advance(2000);
  await h.orchestrator.tick({ trigger: 'manual' });
  const third = only(h);
  await h.orchestrator.handleCallback(callbackFor(third, { status: 'done' }));
  await h.orchestrator.handleCallback(callbackFor(only(h), { status: 'done' }));
  await h.orchestrator.handleCallback(callbackFor(only(h), { status: 'done' }));
  assert.is((await runStatus(db, extract.target.runId)).status, 'succeeded');
});

test('attempts used up: the run fails with the last error, naming the step', async ({ db, h }) => {
  let order = await start(h, 'orders');
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    await h.orchestrator.handleCallback(callbackFor(order, { httpStatus: 503, error: { code: 'http.unavailable', message: `try ${attempt}`, retryable: true } }));
    if (attempt < 3) {
      h.clock.advance(60_000);
      await h.orchestrator.tick({ trigger: 'manual' });
      order = only(h);
    }
  }
  const run = await runStatus(db, order.target.runId);
  assert.is(run.status, 'failed');
  const error = run.error as { code: string; step: string; chunk: number; attempt: number; message: string };
  assert.equal([error.code, error.step, error.chunk, error.attempt], ['http.unavailable', 'extract', 0, 3]);
  assert.match(error.message, /^extract \(chunk 0\) failed after 3 attempts: try 3$/);
});

test('a non-retryable error (501 not implemented, a 400) fails the run at once', async ({ db, h }) => {
  const extract = await start(h, 'orders');
  const reply = await h.orchestrator.handleCallback(callbackFor(extract, { httpStatus: 501, error: { code: 'step.not_implemented', message: 'This function does not run the extract step', retryable: false } }));
  assert.is((reply.body as { outcome: string }).outcome, 'run_failed');
  const run = await runStatus(db, extract.target.runId);
  assert.is(run.status, 'failed');
  assert.is((run.error as { code: string }).code, 'step.not_implemented');
  assert.match((run.error as { message: string }).message, /with an error a retry cannot fix/);

  const other = await start(h, 'customers');
  await h.orchestrator.handleCallback(callbackFor(other, { httpStatus: 400, error: { code: 'step.run_mismatch', message: 'mismatch', retryable: true } }));
  assert.is((await runStatus(db, other.target.runId)).status, 'failed', 'a 4xx is final even when the body says retryable');
  assert.equal(h.dispatcher.take(), []);
});

test('409 step.in_progress waits for the invocation that holds the chunk; its own callback then advances the run', async ({ h }) => {
  const extract = await start(h, 'orders');
  const busy = await h.orchestrator.handleCallback(callbackFor(extract, { httpStatus: 409, error: { code: 'step.in_progress', message: 'already running' } }));
  assert.is((busy.body as { outcome: string }).outcome, 'in_progress');
  assert.equal(h.dispatcher.take(), []);
  const done = await h.orchestrator.handleCallback(callbackFor(extract, { status: 'done' }));
  assert.is((done.body as { outcome: string }).outcome, 'advanced');
});

test('an extract that found nothing new ends the run as succeeded without bronze or silver, and commits the staged cursor', async ({ db, h }) => {
  const extract = await start(h, 'customers');
  await db.pool.query(sql.unsafe`INSERT INTO platform.pending_cursors (run_id, source, dataset, cursor) VALUES (${extract.target.runId}, 'shop', 'customers', '{"etag": "W/1"}')`);
  const reply = await h.orchestrator.handleCallback(callbackFor(extract, { status: 'done', unchanged: true }));
  assert.is((reply.body as { outcome: string }).outcome, 'run_succeeded');
  assert.equal(h.dispatcher.take(), []);
  assert.is((await runStatus(db, extract.target.runId)).status, 'succeeded');
  const cursor = await db.pool.one(sql.type(z.object({ cursor: z.unknown(), committed_run_id: z.string() }))`SELECT cursor, committed_run_id FROM platform.dataset_state WHERE source = 'shop' AND dataset = 'customers'`);
  assert.equal(cursor, { cursor: { etag: 'W/1' }, committed_run_id: extract.target.runId });
});

test('a continuation the connector asked to delay (resumeAt) is sent by the tick once that time has come', async ({ h }) => {
  const extract = await start(h, 'orders');
  const resumeAt = h.clock.now() + 90_000;
  await h.orchestrator.handleCallback(callbackFor(extract, { status: 'continue', checkpoint: { page: 2 }, resumeAt }));
  assert.equal(h.dispatcher.take(), []);
  h.clock.advance(89_000);
  await h.orchestrator.tick({ trigger: 'manual' });
  assert.equal(h.dispatcher.take(), []);
  h.clock.advance(1000);
  await h.orchestrator.tick({ trigger: 'manual' });
  const next = only(h);
  assert.equal([next.target.chunk, next.request.checkpoint], [1, { page: 2 }]);
});

test('a failure answer for a chunk the step recorded as succeeded (the answer was lost after the commit) follows the record', async ({ db, h }) => {
  const extract = await start(h, 'orders');
  await db.pool.query(sql.unsafe`UPDATE platform.run_steps SET status = 'succeeded', rows_read = 7 WHERE run_id = ${extract.target.runId}`);
  const reply = await h.orchestrator.handleCallback(callbackFor(extract, { httpStatus: 504, text: 'upstream timed out' }));
  assert.is((reply.body as { outcome: string }).outcome, 'advanced');
  assert.is(only(h).target.step, 'bronze');
});

test('a callback without run, step and chunk in its URL is refused; one for an unknown run is ignored', async ({ h }) => {
  const extract = await start(h, 'orders');
  const { target: _target, ...rest } = callbackFor(extract, { status: 'done' });
  try {
    await h.orchestrator.handleCallback({ ...rest, target: undefined });
    assert.unreachable();
  } catch (error) {
    assert.is((error as { code: string }).code, 'callback.no_target');
  }
  const unknown = await h.orchestrator.handleCallback(callbackFor({ ...extract, target: { ...extract.target, runId: 'nope' } }, { status: 'done' }));
  assert.is((unknown.body as { reason: string }).reason, 'no such run');
});

test('a dispatch the gateway refuses for a missing function fails the run; one it cannot take now is retried', async ({ db, h }) => {
  h.dispatcher.failWith = () => new PlatformError('dispatch.function_not_found', 'The gateway has no function files; deploy it.', { status: 404 });
  const reply = await h.orchestrator.startRuns({ source: 'shop', dataset: 'orders', full: false, trigger: 'manual' });
  const runId = (reply.body as { runs: Array<{ run_id: string }> }).runs[0]!.run_id;
  const run = await runStatus(db, runId);
  assert.is(run.status, 'failed');
  assert.is((run.error as { code: string }).code, 'dispatch.function_not_found');

  h.dispatcher.failWith = () => new TransientError('dispatch.unreachable', 'The gateway did not answer.');
  const second = await h.orchestrator.startRuns({ source: 'shop', dataset: 'orders', full: false, trigger: 'manual' });
  const secondId = (second.body as { runs: Array<{ run_id: string }> }).runs[0]!.run_id;
  assert.is((await runStatus(db, secondId)).status, 'running');
  h.dispatcher.failWith = undefined;
  h.clock.advance(1000);
  await h.orchestrator.tick({ trigger: 'manual' });
  assert.equal(only(h).target, { runId: secondId, step: 'extract', chunk: 0, attempt: 2 });
});

test.run();
