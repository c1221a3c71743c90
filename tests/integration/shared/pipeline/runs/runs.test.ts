import { suite } from 'uvu';
import { z } from 'zod';
import * as assert from 'uvu/assert';

import { createRun } from '#pipeline/runs/createRun.ts';
import { finishRun } from '#pipeline/runs/finishRun.ts';
import { fixRunBoundary } from '#pipeline/runs/fixRunBoundary.ts';
import { getRun } from '#pipeline/runs/getRun.ts';
import { listRunSteps } from '#pipeline/runs/listRunSteps.ts';
import { recordStepResult } from '#pipeline/runs/recordStepResult.ts';
import { recordStepStart } from '#pipeline/runs/recordStepStart.ts';
import { startRun } from '#pipeline/runs/startRun.ts';
import { sql } from '#platform/db/sql.ts';
import { PlatformError, TransientError } from '#platform/errors.ts';
import { registerSecretValue } from '#platform/redact.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const audit = suite<{ db: TestDatabase }>('audit: runs and run steps');

audit.before(async (context) => {
  context.db = await createTestDatabase();
});
audit.after(async (context) => {
  await context.db.drop();
});

audit('a run goes from pending to running to succeeded with its timestamps', async ({ db }) => {
  const run = await createRun(db.pool, { kind: 'dataset', source: 'bank', dataset: 'payments', load: 'full', triggerKind: 'schedule', triggerDetail: { cron: '0 6 * * *' }, metadataVersion: 7n });
  assert.match(run.run_id, /^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  assert.equal([run.status, run.started_at, run.metadata_version, run.trigger_detail], ['pending', null, 7n, { cron: '0 6 * * *' }]);
  const started = await startRun(db.pool, run.run_id);
  assert.is(started.status, 'running');
  assert.instance(started.started_at, Date);
  const finished = await finishRun(db.pool, { runId: run.run_id, status: 'succeeded' });
  assert.is(finished.status, 'succeeded');
  assert.instance(finished.finished_at, Date);
  assert.equal(await getRun(db.pool, run.run_id), finished);
});

audit('a second active run of a dataset is refused by the one-active-run index', async ({ db }) => {
  await createRun(db.pool, { runId: 'active-1', kind: 'dataset', source: 'bank', dataset: 'cards', triggerKind: 'manual' });
  try {
    await createRun(db.pool, { runId: 'active-2', kind: 'dataset', source: 'bank', dataset: 'cards', triggerKind: 'webhook' });
    assert.unreachable('a second active run should be refused');
  } catch (error) {
    assert.is((error as PlatformError).code, 'db.unique_violation');
  }
});

audit('steps record start, counts, checkpoint (superjson), detail and duration; a restart clears the old result', async ({ db }) => {
  await createRun(db.pool, { runId: 'steps-1', kind: 'dataset', source: 'bank', dataset: 'loans', triggerKind: 'manual', status: 'running' });
  await recordStepStart(db.pool, { runId: 'steps-1', step: 'bronze', callId: 'call-1' });
  const checkpoint = { nextPart: 4, since: new Date('2026-03-01T00:00:00Z'), cursor: 12345678901234567890n };
  await recordStepResult(db.pool, { runId: 'steps-1', step: 'bronze', status: 'succeeded', counts: { read: 10, inserted: 9 }, checkpoint, detail: { files: 2 } });
  await recordStepStart(db.pool, { runId: 'steps-1', step: 'bronze', chunk: 1, attempt: 2 });
  let [first, second] = await listRunSteps(db.pool, 'steps-1');
  assert.equal([first?.status, first?.rows_read, first?.rows_inserted, first?.rows_updated, first?.call_id, first?.detail], ['succeeded', 10n, 9n, 0n, 'call-1', { files: 2 }]);
  assert.equal(first?.checkpoint, checkpoint);
  assert.ok((first?.duration_ms ?? -1) >= 0);
  assert.equal([second?.chunk, second?.status, second?.attempt], [1, 'running', 2]);

  await recordStepResult(db.pool, { runId: 'steps-1', step: 'bronze', chunk: 1, status: 'failed', error: new TransientError('mongo.connection', 'The store is down.') });
  await recordStepStart(db.pool, { runId: 'steps-1', step: 'bronze', chunk: 1, attempt: 3 });
  [first, second] = await listRunSteps(db.pool, 'steps-1');
  assert.equal([second?.status, second?.attempt, second?.error, second?.finished_at], ['running', 3, null, null]);
});

audit('a step result without a recorded start still lands; errors are stored with code and redacted message', async ({ db }) => {
  await createRun(db.pool, { runId: 'steps-2', kind: 'dataset', source: 'bank', dataset: 'fx', triggerKind: 'manual' });
  registerSecretValue('s3cr3t-token-value');
  await recordStepResult(db.pool, { runId: 'steps-2', step: 'extract', status: 'failed', error: new PlatformError('http.unauthorized', 'The API refused token s3cr3t-token-value.', { context: { header: 'Bearer s3cr3t-token-value' } }) });
  const [step] = await listRunSteps(db.pool, 'steps-2');
  assert.equal(step?.error, { code: 'http.unauthorized', message: 'The API refused token [redacted].', retryable: false, context: { header: 'Bearer [redacted]' } });
  const run = await finishRun(db.pool, { runId: 'steps-2', status: 'failed', error: new Error('boom at s3cr3t-token-value') });
  assert.equal(run.error?.code, 'internal');
  assert.not.match(JSON.stringify(run.error), /s3cr3t/);
});

audit('the boundary of a run is fixed once, to the millisecond, and unknown runs are named', async ({ db }) => {
  await createRun(db.pool, { runId: 'boundary-1', kind: 'dataset', source: 'bank', dataset: 'rates', triggerKind: 'manual' });
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
    assert.is((error as PlatformError).code, 'audit.run_missing');
    assert.match((error as Error).message, /no-such-run/);
  }
});

audit.run();
