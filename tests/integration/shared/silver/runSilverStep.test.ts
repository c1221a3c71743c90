/**
 * The silver step through its handler, on real Postgres and FerretDB: the shipped bank exports
 * merged snapshot after snapshot, the step's outcome recorded in the merge transaction, and the
 * dataset's cursor (and the files ledger) committed when the run succeeds — never before silver.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { readCursor } from '#pipeline/cursor/readCursor.ts';
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { listRunSteps } from '#pipeline/runStore/listRunSteps.ts';
import type { StepRunner } from '#pipeline/steps.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import { createLogger } from '#platform/log.ts';
import { runSilverStep } from '#silver/runSilverStep.ts';
import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import { startTestServer, type TestServer } from '#support/httpServer.ts';
import { createStepWorld, type StepWorld } from '#support/stepWorld.ts';
import { feedItemsSource } from '#support/runnerSources.ts';

const silentLog = createLogger({ level: 'error', fields: {}, sink: () => undefined });
const silver = suite<{ world: StepWorld; api: TestServer; items: { id: string; name: string; updated_at: string }[] }>('silver step');

silver.before(async (context) => {
  context.items = [
    { id: 'a', name: 'Alpha', updated_at: '2026-03-01T10:00:00Z' },
    { id: 'b', name: 'Beta', updated_at: '2026-03-02T10:00:00Z' },
  ];
  context.api = await startTestServer((request) => {
    const since = request.query.get('since');
    return { body: context.items.filter((item) => since === null || item.updated_at > since) };
  });
  const shipped = await readMetadataFolder(`${projectRoot}/metadata`);
  context.world = await createStepWorld({ metadata: [...shipped, feedItemsSource(context.api.url, { columns: ['name'] })] });
});
silver.after(async ({ world, api }) => {
  await world.cleanup();
  await api.close();
});

const versionRow = z.object({ amount: z.string(), is_current: z.boolean(), is_deleted: z.boolean(), closed: z.boolean() });
const versionsOf = (world: StepWorld, id: string) => world.db.pool.any(sql.type(versionRow)`
  SELECT amount, _is_current AS is_current, _is_deleted AS is_deleted, _valid_to IS NOT NULL AS closed
  FROM silver.bank__transactions WHERE transaction_id = ${id} ORDER BY _valid_from, _is_current`);
const committedFiles = (world: StepWorld, runId: string) => world.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
  SELECT count(*)::int AS n FROM platform.imported_files WHERE run_id = ${runId} AND committed_at IS NOT NULL`);

silver('snapshot 1: every transaction becomes a current row; the imported file is committed when the run succeeds', async ({ world }) => {
  await world.dropBankSnapshot(1);
  const { runId, silver: merged } = await world.runDataset('bank', 'transactions', world.handlers.files);
  assert.is(merged.result?.status, 'done', JSON.stringify(merged.error));
  assert.equal(merged.result?.counts, { read: 17, inserted: 17, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0 });
  assert.is(merged.result?.detail.table, 'silver.bank__transactions');
  assert.is(await committedFiles(world, runId), 1);
  const rows = await world.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM silver.bank__transactions WHERE _is_current`);
  assert.is(rows, 17);
  const recorded = await world.db.pool.one(sql.type(z.object({ status: z.string(), rows_inserted: z.bigint(), path: z.unknown() }))`
    SELECT status, rows_inserted, detail->'path' AS path FROM platform.run_steps WHERE run_id = ${runId} AND step = 'silver'`);
  assert.equal(recorded, { status: 'succeeded', rows_inserted: 17n, path: 'initial' });
});

silver('snapshot 2: a corrected amount closes a version and opens one; a reversed transaction becomes a tombstone', async ({ world }) => {
  await world.dropBankSnapshot(2);
  const { runId, silver: merged } = await world.runDataset('bank', 'transactions', world.handlers.files);
  assert.equal(merged.result?.counts, { read: 33, inserted: 17, updated: 2, closed: 2, deleted: 1, rejected: 0, unchanged: 14 });
  const [recorded] = (await listRunSteps(world.db.pool, [runId])).filter((step) => step.step === 'silver');
  assert.equal([recorded?.rows_read, recorded?.rows_inserted, recorded?.rows_updated, recorded?.rows_closed, recorded?.rows_deleted, recorded?.rows_unchanged, recorded?.detail.path], [33n, 17n, 2n, 2n, 1n, 14n, 'change'], 'the counts are on the run\'s silver step');
  assert.equal(await versionsOf(world, 'T00005'), [
    { amount: '-99.09', is_current: false, is_deleted: false, closed: true },
    { amount: '-100.09', is_current: true, is_deleted: false, closed: false },
  ]);
  const reversed = await versionsOf(world, 'T00013');
  assert.equal(reversed.map((row) => [row.is_current, row.is_deleted, row.closed]), [[false, false, true], [true, true, false]]);
});

silver('a silver step that fails commits neither the data nor the import; the retry commits both', async ({ world }) => {
  await world.dropBankSnapshot(1);
  const run = { source: 'bank', dataset: 'accounts' };
  const runId = await world.startRun(run);
  assert.is((await world.step(world.handlers.files, runId, run)).result?.counts.read, 3);
  // bronze never ran: merging nothing as a full snapshot would delete every key, so silver refuses
  const refused = await world.step(world.handlers.silver, runId, run);
  assert.is(refused.status, 409);
  assert.is(refused.error?.code, 'silver.bronze_missing');
  assert.is(await committedFiles(world, runId), 0);
  assert.is(await world.db.pool.oneFirst(sql.unsafe`SELECT to_regclass('silver.bank__accounts') IS NULL AS absent`), true);

  assert.is((await world.step(world.handlers.bronze, runId, run)).result?.counts.inserted, 3);
  const retried = await world.step(world.handlers.silver, runId, run);
  assert.is(retried.result?.counts.inserted, 3, JSON.stringify(retried.error));
  assert.is(await committedFiles(world, runId), 0, 'merged, but the run has not succeeded yet');
  await world.succeedRun(runId);
  assert.is(await committedFiles(world, runId), 1);
});

silver('a silver chunk whose process dies right after the merge commits replays its recorded counts instead of merging again', async ({ world }) => {
  await world.dropBankSnapshot(2);
  const run = { source: 'bank', dataset: 'accounts' };
  const runId = await world.startRun(run);
  await world.step(world.handlers.files, runId, run);
  await world.step(world.handlers.bronze, runId, run);
  const dies: StepRunner<FunctionResources> = async (context, resources) => {
    await runSilverStep(context, resources);
    throw new Error('the process died after the merge committed');
  };
  const crashed = await world.step(createStepHandler({ functionName: 'silver', step: 'silver', runner: dies, resources: world.resources, log: silentLog }), runId, run);
  assert.is(crashed.status, 500);
  const versions = await world.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM silver.bank__accounts`);
  const redelivered = await world.step(world.handlers.silver, runId, run);
  assert.is(redelivered.result?.replayed, true, JSON.stringify(redelivered.error));
  const [recorded] = (await listRunSteps(world.db.pool, [runId])).filter((step) => step.step === 'silver');
  assert.equal([recorded?.status, redelivered.result?.counts.read, redelivered.result?.counts.updated], ['succeeded', Number(recorded?.rows_read), Number(recorded?.rows_updated)]);
  assert.ok((redelivered.result?.counts.read ?? 0) > 0);
  assert.is(await world.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM silver.bank__accounts`), versions, 'merged once');
  await world.succeedRun(runId);
});

silver('a delta cursor is committed when its run succeeds after silver, not before; the next run asks only for what changed since', async ({ world, api, items }) => {
  const run = { source: 'feed', dataset: 'items' };
  const runId = await world.startRun(run);
  await world.step(world.handlers.rest, runId, run);
  await world.step(world.handlers.bronze, runId, run);
  assert.is(await readCursor(world.db.pool, run), null, 'extracted and in bronze, but not in silver yet');
  await world.step(world.handlers.silver, runId, run);
  assert.is(await readCursor(world.db.pool, run), null, 'merged, but the run has not succeeded yet');
  await world.succeedRun(runId);
  const committed = await readCursor(world.db.pool, run);
  assert.is(committed?.committedRunId, runId);
  assert.match(JSON.stringify(committed?.cursor), /2026-03-02T10:00:00/);

  items.push({ id: 'c', name: 'Gamma', updated_at: '2026-03-03T10:00:00Z' });
  const next = await world.runDataset('feed', 'items', world.handlers.rest);
  assert.is(next.extract[0]?.result?.counts.read, 1);
  assert.match(api.requests.at(-1)?.query.get('since') ?? '', /^2026-03-02T10:00:00/);
  assert.is(next.silver.result?.counts.inserted, 1);
});

silver.run();
