import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { ConflictError, NotFoundError, PlatformError, ValidationError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { runStepOnce } from '#pipeline/runStepOnce.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { insertDispatchedStep } from '#pipeline/runStore/insertDispatchedStep.ts';
import type { StepContext, StepOutcomeInput, StepRequest, StepRunner } from '#pipeline/steps.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const log = createLogger({ level: 'error', fields: {}, sink: () => undefined });
const steps = suite<{ db: TestDatabase }>('runStepOnce');

steps.before(async (context) => {
  context.db = await createTestDatabase();
  for (const [runId, source, dataset, load] of [['r1', 'ynab', 'transactions', 'delta'], ['r2', 'ynab', 'accounts', 'full'], ['r3', 'files', 'export', 'full'], ['r4', 'files', 'other', 'full']] as const) {
    await insertActiveRun(context.db.pool, { runId, kind: 'dataset', source, dataset, load, trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
  }
});

steps.after(async ({ db }) => {
  await db.drop();
});

const request = (runId: string, source: string, dataset: string, chunk = 0, checkpoint?: unknown): StepRequest => ({ runId, source, dataset, chunk, ...(checkpoint === undefined ? {} : { checkpoint }) });

const stepRow = z.object({ status: z.string(), attempt: z.number(), rows_read: z.bigint(), rows_inserted: z.bigint(), checkpoint: z.unknown(), error: z.unknown(), duration_ms: z.number().nullable() });

function counting(outcome: StepOutcomeInput): { runner: StepRunner<null>; calls: () => number; contexts: StepContext[] } {
  const contexts: StepContext[] = [];
  return {
    runner: async (context) => {
      contexts.push(context);
      return outcome;
    },
    calls: () => contexts.length,
    contexts,
  };
}

steps('the first call runs and records counts; the same chunk again replays the record without running', async ({ db }) => {
  const step = counting({ status: 'done', counts: { read: 7, inserted: 5, updated: 2 }, detail: { files: ['a.json'] } });
  const first = await runStepOnce({ pool: db.pool, request: request('r1', 'ynab', 'transactions'), step: 'bronze', runner: step.runner, resources: null, budgetMs: 30_000, log });
  assert.is(first.replayed, false);
  assert.equal(first.counts, { read: 7, inserted: 5, updated: 2, closed: 0, deleted: 0, rejected: 0, unchanged: 0 });
  const row = await db.pool.one(sql.type(stepRow)`SELECT status, attempt, rows_read, rows_inserted, checkpoint, error, duration_ms FROM platform.run_steps WHERE run_id = 'r1' AND step = 'bronze' AND chunk = 0`);
  assert.is(row.status, 'succeeded');
  assert.is(row.rows_read, 7n);
  assert.is(row.checkpoint, null);

  const again = await runStepOnce({ pool: db.pool, request: request('r1', 'ynab', 'transactions'), step: 'bronze', runner: step.runner, resources: null, budgetMs: 30_000, log });
  assert.is(step.calls(), 1, 'the runner ran once');
  assert.is(again.replayed, true);
  assert.is(again.status, 'done');
  assert.equal(again.counts, first.counts);
  assert.equal(again.detail, { files: ['a.json'] });
});

steps('a continue outcome records its checkpoint (superjson) and a replay returns it revived', async ({ db }) => {
  const checkpoint = { cursor: 9007199254740993n, since: new Date('2026-02-01T00:00:00Z') };
  const step = counting({ status: 'continue', checkpoint, counts: { read: 100 } });
  const first = await runStepOnce({ pool: db.pool, request: request('r1', 'ynab', 'transactions', 0), step: 'extract', runner: step.runner, resources: null, budgetMs: 30_000, log });
  assert.is(first.status, 'continue');
  const replay = await runStepOnce({ pool: db.pool, request: request('r1', 'ynab', 'transactions', 0), step: 'extract', runner: step.runner, resources: null, budgetMs: 30_000, log });
  assert.is(replay.status, 'continue');
  assert.equal(replay.checkpoint, checkpoint);
  assert.is((replay.checkpoint as typeof checkpoint).cursor, 9007199254740993n);
  assert.instance((replay.checkpoint as typeof checkpoint).since, Date);
});

steps('the runner gets the request, deadlineMs as its deadline, and the next chunk its checkpoint; the attempt is echoed', async ({ db }) => {
  const step = counting({ status: 'done' });
  let clock = 1_000_000;
  const result = await runStepOnce({ pool: db.pool, request: { ...request('r1', 'ynab', 'transactions', 1, { cursor: 5 }), deadlineMs: 5000, attempt: 3 }, step: 'extract', runner: step.runner, resources: null, budgetMs: 30_000, now: () => clock, log });
  assert.is(result.attempt, 3);
  const context = step.contexts[0]!;
  assert.equal(context.request.checkpoint, { cursor: 5 });
  assert.is(context.deadline, 1_005_000);
  clock += 1500;
  assert.is(context.timeLeftMs(), 3500);
  assert.is(context.signal.aborted, false);
});

steps('a failing runner records failed with the error code; the next call claims it again with attempt 2', async ({ db }) => {
  let fail = true;
  const runner: StepRunner<null> = async () => {
    if (fail) throw new PlatformError('source.rate_limited', 'The API said 429.', { retryable: true, status: 503 });
    return { status: 'done', counts: { read: 1 } };
  };
  try {
    await runStepOnce({ pool: db.pool, request: request('r2', 'ynab', 'accounts'), step: 'extract', runner, resources: null, budgetMs: 30_000, log });
    assert.unreachable();
  } catch (error) {
    assert.is((error as PlatformError).code, 'source.rate_limited');
  }
  const failed = await db.pool.one(sql.type(stepRow)`SELECT status, attempt, rows_read, rows_inserted, checkpoint, error, duration_ms FROM platform.run_steps WHERE run_id = 'r2' AND step = 'extract' AND chunk = 0`);
  assert.is(failed.status, 'failed');
  assert.is((failed.error as { code: string }).code, 'source.rate_limited');
  fail = false;
  const retried = await runStepOnce({ pool: db.pool, request: request('r2', 'ynab', 'accounts'), step: 'extract', runner, resources: null, budgetMs: 30_000, log });
  assert.is(retried.replayed, false);
  const row = await db.pool.one(sql.type(stepRow)`SELECT status, attempt, rows_read, rows_inserted, checkpoint, error, duration_ms FROM platform.run_steps WHERE run_id = 'r2' AND step = 'extract' AND chunk = 0`);
  assert.is(row.status, 'succeeded');
  assert.is(row.attempt, 2);
  assert.is(row.error, null);
});

steps('a chunk another invocation is running is a 409 step.in_progress; once its lease is over it can be claimed', async ({ db }) => {
  let release: () => void = () => undefined;
  const slow: StepRunner<null> = () => new Promise((resolve) => (release = () => resolve({ status: 'done' })));
  const running = runStepOnce({ pool: db.pool, request: request('r3', 'files', 'export'), step: 'bronze', runner: slow, resources: null, budgetMs: 30_000, log });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const quick = counting({ status: 'done' });
  try {
    await runStepOnce({ pool: db.pool, request: request('r3', 'files', 'export'), step: 'bronze', runner: quick.runner, resources: null, budgetMs: 30_000, log });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ConflictError);
    assert.is((error as ConflictError).code, 'step.in_progress');
  }
  assert.is(quick.calls(), 0);
  // Lease 0: the running claim counts as abandoned (its process died, as far as anyone can tell).
  const taken = await runStepOnce({ pool: db.pool, request: request('r3', 'files', 'export'), step: 'bronze', runner: quick.runner, resources: null, budgetMs: 30_000, leaseMs: 0, log });
  assert.is(taken.replayed, false);
  assert.is(quick.calls(), 1);
  release();
  await running;
  const row = await db.pool.one(sql.type(stepRow)`SELECT status, attempt, rows_read, rows_inserted, checkpoint, error, duration_ms FROM platform.run_steps WHERE run_id = 'r3' AND step = 'bronze' AND chunk = 0`);
  assert.is(row.status, 'succeeded');
  assert.is(row.attempt, 2, 'the superseded first attempt did not overwrite the second');
});

steps('a dispatched row (written by the orchestrator) is claimed without counting a new attempt', async ({ db }) => {
  await insertDispatchedStep(db.pool, { runId: 'r4', step: 'silver', chunk: 0, functionName: 'silver', notBefore: null }, new Date());
  const step = counting({ status: 'done' });
  await runStepOnce({ pool: db.pool, request: request('r4', 'files', 'other'), step: 'silver', runner: step.runner, resources: null, budgetMs: 30_000, log });
  const row = await db.pool.one(sql.type(stepRow)`SELECT status, attempt, rows_read, rows_inserted, checkpoint, error, duration_ms FROM platform.run_steps WHERE run_id = 'r4' AND step = 'silver' AND chunk = 0`);
  assert.is(row.status, 'succeeded');
  assert.is(row.attempt, 1);
});

steps('an unknown run is a 404 and a request for another dataset than the run is a 400; neither runs', async ({ db }) => {
  const step = counting({ status: 'done' });
  try {
    await runStepOnce({ pool: db.pool, request: request('missing', 'ynab', 'transactions'), step: 'bronze', runner: step.runner, resources: null, budgetMs: 30_000, log });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, NotFoundError);
  }
  try {
    await runStepOnce({ pool: db.pool, request: request('r1', 'ynab', 'accounts'), step: 'gold', runner: step.runner, resources: null, budgetMs: 30_000, log });
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ValidationError);
    assert.is((error as ValidationError).code, 'step.run_mismatch');
  }
  assert.is(step.calls(), 0);
});

steps('an outcome that breaks the contract (continue without checkpoint) fails the step instead of recording nonsense', async ({ db }) => {
  const step = counting({ status: 'continue' });
  try {
    await runStepOnce({ pool: db.pool, request: request('r1', 'ynab', 'transactions', 5), step: 'silver', runner: step.runner, resources: null, budgetMs: 30_000, log });
    assert.unreachable();
  } catch (error) {
    assert.is((error as PlatformError).code, 'step.bad_outcome');
  }
  const row = await db.pool.one(sql.type(stepRow)`SELECT status, attempt, rows_read, rows_inserted, checkpoint, error, duration_ms FROM platform.run_steps WHERE run_id = 'r1' AND step = 'silver' AND chunk = 5`);
  assert.is(row.status, 'failed');
});

steps.run();
