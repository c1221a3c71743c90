/** The run store: every statement on platform.runs and platform.run_steps, on a real Postgres. */
import { suite } from 'uvu';
import { z } from 'zod';
import * as assert from 'uvu/assert';

import { sql } from '#platform/db/sql.ts';
import { PlatformError, TransientError } from '#platform/errors.ts';
import { registerSecretValue } from '#platform/redact.ts';
import { claimStep } from '#pipeline/runStore/claimStep.ts';
import { toErrorRecord } from '#pipeline/runStore/toErrorRecord.ts';
import { findActiveRun } from '#pipeline/runStore/findActiveRun.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { fixRunBoundary } from '#pipeline/runStore/fixRunBoundary.ts';
import { getRun } from '#pipeline/runStore/getRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { insertSkippedRun } from '#pipeline/runStore/insertSkippedRun.ts';
import { listRunSteps } from '#pipeline/runStore/listRunSteps.ts';
import type { NewRun } from '#pipeline/runStore/newRun.ts';
import { recordStepFailure } from '#pipeline/runStore/recordStepFailure.ts';
import { recordStepSuccess } from '#pipeline/runStore/recordStepSuccess.ts';
import { stepOutcomeOfRow } from '#pipeline/runStore/stepOutcomeOfRow.ts';
import { stepOutcomeSchema } from '#pipeline/steps.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const store = suite<{ db: TestDatabase }>('run store: runs and run steps');

store.before(async (context) => {
  context.db = await createTestDatabase();
});
store.after(async (context) => {
  await context.db.drop();
});

const newRun = (runId: string, dataset: string, extra: Partial<NewRun> = {}): NewRun => ({ runId, kind: 'dataset', source: 'bank', dataset, load: 'full', trigger: 'manual', triggerDetail: {}, metadataVersion: null, ...extra });
const at = (iso: string): Date => new Date(iso);

store('a run is recorded running with its trigger and metadata version, and ends once with its finish time', async ({ db }) => {
  assert.ok(await insertActiveRun(db.pool, newRun('run-1', 'payments', { trigger: 'schedule', triggerDetail: { cron: '0 6 * * *', slot: '2026-03-01T06:00:00.000Z' }, metadataVersion: 7 }), at('2026-03-01T06:00:01Z')));
  const run = await getRun(db.pool, 'run-1');
  assert.equal([run?.status, run?.kind, run?.trigger_kind, run?.metadata_version, run?.trigger_detail], ['running', 'dataset', 'schedule', 7, { cron: '0 6 * * *', slot: '2026-03-01T06:00:00.000Z' }]);
  assert.equal(run?.started_at, at('2026-03-01T06:00:01Z'));
  await finishRun(db.pool, 'run-1', { status: 'succeeded' }, at('2026-03-01T06:01:00Z'));
  await finishRun(db.pool, 'run-1', { status: 'failed', error: { code: 'late', message: 'too late', retryable: false } }, at('2026-03-01T07:00:00Z'));
  const finished = await getRun(db.pool, 'run-1');
  assert.equal([finished?.status, finished?.finished_at, finished?.error], ['succeeded', at('2026-03-01T06:01:00Z'), null], 'a run that ended keeps its end');
  assert.is(await getRun(db.pool, 'no-such-run'), null);
});

store('a second active run of a dataset is not recorded; the trigger becomes a skipped run pointing at the active one', async ({ db }) => {
  assert.ok(await insertActiveRun(db.pool, newRun('active-1', 'cards'), new Date()));
  assert.not.ok(await insertActiveRun(db.pool, newRun('active-2', 'cards', { trigger: 'webhook' }), new Date()));
  assert.is(await getRun(db.pool, 'active-2'), null);
  assert.is(await findActiveRun(db.pool, 'dataset', 'bank', 'cards'), 'active-1');
  await insertSkippedRun(db.pool, newRun('active-2', 'cards', { trigger: 'webhook' }), 'active-1', new Date());
  const skipped = await getRun(db.pool, 'active-2');
  assert.equal([skipped?.status, skipped?.skipped_for, skipped?.trigger_kind], ['skipped', 'active-1', 'webhook']);
});

store('a chunk is claimed, records its typed outcome (superjson checkpoint, resume time, counts, detail); a failed chunk is claimed again with the next attempt', async ({ db }) => {
  await insertActiveRun(db.pool, newRun('steps-1', 'loans'), new Date());
  const key = { runId: 'steps-1', step: 'extract' as const, chunk: 0 };
  const claimed = await claimStep(db.pool, key, 70_000);
  assert.equal(claimed, { attempt: 1 });
  assert.is(await claimStep(db.pool, key, 70_000), null, 'a fresh claim is not taken twice');
  const checkpoint = { nextPart: 4, since: at('2026-03-01T00:00:00Z'), cursor: 12345678901234567890n };
  const outcome = stepOutcomeSchema.parse({ status: 'continue', checkpoint, resumeAt: Date.parse('2026-03-01T00:02:00Z'), counts: { read: 10, inserted: 9 }, detail: { files: 2, at: at('2026-03-01T00:00:00Z') } });
  assert.ok(await recordStepSuccess(db.pool, key, { attempt: 1, outcome, durationMs: 42, finishedAt: new Date() }));
  assert.not.ok(await recordStepSuccess(db.pool, key, { attempt: 2, outcome, durationMs: 1, finishedAt: new Date() }), 'an attempt the row is not on writes nothing');
  const [row] = await listRunSteps(db.pool, ['steps-1']);
  assert.equal([row?.status, row?.rows_read, row?.rows_inserted, row?.rows_updated, row?.duration_ms, row?.detail], ['succeeded', 10n, 9n, 0n, 42, { files: 2, at: '2026-03-01T00:00:00.000Z' }]);
  assert.equal(stepOutcomeOfRow(row!), { ...outcome, detail: { files: 2, at: '2026-03-01T00:00:00.000Z' } }, 'the recorded outcome reads back as it was returned (checkpoint revived, detail as JSON)');

  const next = { ...key, chunk: 1 };
  assert.equal(await claimStep(db.pool, next, 70_000), { attempt: 1 });
  await recordStepFailure(db.pool, next, 1, toErrorRecord(new TransientError('mongo.connection', 'The store is down.')), 5);
  assert.equal(await claimStep(db.pool, next, 70_000), { attempt: 2 });
  const [, second] = await listRunSteps(db.pool, ['steps-1']);
  assert.equal([second?.status, second?.attempt, second?.error, second?.finished_at], ['running', 2, null, null]);
  assert.ok(await recordStepSuccess(db.pool, next, { attempt: 2, outcome: stepOutcomeSchema.parse({ status: 'done', unchanged: true }), durationMs: 3, finishedAt: new Date() }));
  const [, done] = await listRunSteps(db.pool, ['steps-1']);
  assert.equal([done?.checkpoint, done?.resume_at, done?.unchanged], [undefined, null, true]);
});

store('errors are stored with their code and a redacted message and context, on steps and on runs', async ({ db }) => {
  await insertActiveRun(db.pool, newRun('steps-2', 'fx'), new Date());
  registerSecretValue('s3cr3t-token-value');
  const key = { runId: 'steps-2', step: 'extract' as const, chunk: 0 };
  await claimStep(db.pool, key, 70_000);
  await recordStepFailure(db.pool, key, 1, toErrorRecord(new PlatformError('http.unauthorized', 'The API refused token s3cr3t-token-value.', { context: { header: 'Bearer s3cr3t-token-value' } })), 10);
  const [step] = await listRunSteps(db.pool, ['steps-2']);
  assert.equal(step?.error, { code: 'http.unauthorized', message: 'The API refused token [redacted].', retryable: false, context: { header: 'Bearer [redacted]' } });
  await finishRun(db.pool, 'steps-2', { status: 'failed', error: toErrorRecord(new Error('boom at s3cr3t-token-value')) }, new Date());
  const run = await getRun(db.pool, 'steps-2');
  assert.equal(run?.error?.code, 'internal');
  assert.not.match(JSON.stringify(run?.error), /s3cr3t/);
});

store('the boundary of a run is fixed once, to the millisecond, and unknown runs are named', async ({ db }) => {
  await insertActiveRun(db.pool, newRun('boundary-1', 'rates'), new Date());
  const first = await fixRunBoundary(db.pool, 'boundary-1');
  // What a JS Date holds is exactly what Postgres stored (no lost microseconds).
  const exact = await db.pool.oneFirst(sql.type(z.object({ exact: z.boolean() }))`SELECT boundary_at = ${first.toISOString()}::timestamptz AS exact FROM platform.runs WHERE run_id = 'boundary-1'`);
  assert.is(exact, true);
  const again = await fixRunBoundary(db.pool, 'boundary-1', new Date('2030-01-01T00:00:00Z'));
  assert.equal(again, first);
  try {
    await fixRunBoundary(db.pool, 'no-such-run');
    assert.unreachable('an unknown run should fail');
  } catch (error) {
    assert.is((error as PlatformError).code, 'run.not_found');
    assert.match((error as Error).message, /no-such-run/);
  }
});

store.run();
