/** The bronze step through its handler, on real Postgres and FerretDB, after a real files extract. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { sql } from '#platform/db/sql.ts';
import { finishTestRun } from '#support/stepRuns.ts';
import { createStepWorld, type StepWorld } from '#support/stepWorld.ts';
import { bankTransactionsSource } from '#support/runnerSources.ts';

const bronze = suite<{ world: StepWorld }>('bronze step');
bronze.before(async (context) => {
  context.world = await createStepWorld({ metadata: [bankTransactionsSource({ batchSize: 5 })] });
});
bronze.after(async ({ world }) => world.cleanup());

const run = { source: 'bank', dataset: 'transactions' };

bronze('loads the run\'s raw parts into the dataset\'s collection; near the deadline it continues from the next part', async ({ world }) => {
  await world.dropBankSnapshot(1);
  const runId = await world.startRun(run);
  const extracted = await world.step(world.handlers.files, runId, run);
  assert.is(extracted.result?.counts.read, 17, JSON.stringify(extracted.error));

  // a 1 s budget is spent before the first part: bronze still loads one part per call, then stops
  const first = await world.step(world.handlers.bronze, runId, run, { deadlineMs: 1000 });
  assert.is(first.result?.status, 'continue', JSON.stringify(first.error));
  assert.equal(first.result?.checkpoint, { nextPart: 1 });
  assert.equal([first.result?.counts.read, first.result?.counts.inserted], [5, 5]);
  assert.is(first.result?.detail.collection, 'bank__transactions');

  const rest = await world.step(world.handlers.bronze, runId, run, { chunk: 1, checkpoint: first.result?.checkpoint });
  assert.is(rest.result?.status, 'done');
  assert.equal([rest.result?.counts.read, rest.result?.counts.inserted, rest.result?.detail.files], [12, 12, 3]);
  const documents = await world.mongo.db.collection('bank__transactions').countDocuments({ _run_id: runId });
  assert.is(documents, 17);
  const recorded = await world.db.pool.oneFirst(sql.unsafe`SELECT sum(rows_inserted)::int AS n FROM platform.run_steps WHERE run_id = ${runId} AND step = 'bronze'`);
  assert.is(recorded, 17);
  // the retention pass measured the dataset's raw files for `dp status`
  const usage = await world.db.pool.one(sql.unsafe`SELECT runs, files, bytes > 0 AS sized FROM platform.raw_usage WHERE source = 'bank' AND dataset = 'transactions'`);
  assert.equal(usage, { runs: 1, files: 5, sized: true }, 'four parts and a manifest');
});

bronze('a retried chunk loads nothing twice: the loaded parts are skipped', async ({ world }) => {
  const runId = await world.db.pool.oneFirst(sql.unsafe`SELECT run_id FROM platform.runs ORDER BY created_at DESC LIMIT 1`) as string;
  // the orchestrator retries chunk 1 (as after a lost callback): the row is claimed again as a new attempt
  await world.db.pool.query(sql.unsafe`UPDATE platform.run_steps SET status = 'failed' WHERE run_id = ${runId} AND step = 'bronze' AND chunk = 1`);
  const again = await world.step(world.handlers.bronze, runId, run, { chunk: 1, checkpoint: { nextPart: 1 } });
  assert.is(again.result?.status, 'done');
  assert.is(again.result?.replayed, false);
  assert.equal([again.result?.counts.read, again.result?.counts.inserted, again.result?.detail.skipped_files], [0, 0, 3]);
  assert.is(await world.mongo.db.collection('bank__transactions').countDocuments({ _run_id: runId }), 17);
  await finishTestRun(world.db.pool, runId);
});

bronze('a checkpoint bronze did not write is refused; a gold run is refused', async ({ world }) => {
  const runId = await world.startRun(run);
  const bad = await world.step(world.handlers.bronze, runId, run, { chunk: 1, checkpoint: { page: 3 } });
  assert.is(bad.status, 400);
  assert.is(bad.error?.code, 'bronze.bad_checkpoint');
  const gold = await world.startRun({ kind: 'gold', source: 'gold', dataset: 'monthly' });
  const refused = await world.step(world.handlers.bronze, gold, { source: 'gold', dataset: 'monthly' });
  assert.is(refused.error?.code, 'step.wrong_run_kind');
});

bronze.run();
