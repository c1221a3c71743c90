/**
 * Replay on real services. A dataset is loaded over five runs, then a column is retyped; `replayDataset`
 * must leave silver exactly as a platform that ran the new metadata from the start would have built it —
 * checked against a fresh platform fed the same raw parts at the same boundaries. Also: the replaced table
 * is kept until dropped, gold is rebuilt, missing raw files are named, and `from` keeps the earlier history.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { Db } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { loadBronze } from '#bronze/loadBronze.ts';
import { buildGoldModel } from '#gold/buildGoldModel.ts';
import { getDataset } from '#metadata/catalog/getDataset.ts';
import { syncMetadata } from '#metadata/catalog/syncMetadata.ts';
import { validateMetadata } from '#metadata/validateMetadata.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { createCopyIn, type CopyIn } from '#platform/db/createCopyIn.ts';
import { sql, type DatabasePool } from '#platform/db/sql.ts';
import { PlatformError } from '#platform/errors.ts';
import { createLocalRawStore } from '#platform/raw/createLocalRawStore.ts';
import { rawRunPrefix, type RawStore } from '#platform/raw/rawStore.ts';
import { mergeSilver } from '#silver/mergeSilver.ts';
import { dropOldReplays } from '#lifecycle/replay/dropOldReplays.ts';
import { replayDataset } from '#lifecycle/replay/replayDataset.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from '#support/database.ts';

/** The dataset; `amount` is text at first, numeric after the change. */
function metadata(amountType: 'text' | 'numeric') {
  const result = validateMetadata([
    {
      path: 'shop.yml',
      text: `source: shop
connector: files
datasets:
  - name: orders
    load: full
    key: [id]
    columns:
      - { name: id, type: integer }
      - { name: amount, type: ${amountType} }
      - { name: status, type: text, scd: 1 }
      - { name: placed, type: date, scd: none }
`,
    },
    { path: 'gold/models.yml', text: 'models:\n  - name: order_totals\n    sql: gold/order_totals.sql\n    depends_on: [shop.orders]\n' },
    { path: 'gold/order_totals.sql', text: "SELECT count(*) AS orders, string_agg(amount::text, ',' ORDER BY id) AS amounts FROM silver.shop__orders WHERE _is_current AND NOT _is_deleted" },
  ]);
  assert.ok(result.metadata, JSON.stringify(result.issues));
  return result.metadata;
}

const order = (id: number, amount: string, status: string, placed = '2026-01-0' + ((id % 9) + 1)) => ({ id, amount, status, placed });

/** Five snapshots: amounts re-sent with other spellings of the same number, a status change, a deletion, a return, a bad value. */
const SNAPSHOTS = [
  [order(1, '12.50', 'new'), order(2, '7.10', 'new'), order(3, '3', 'new')],
  [order(1, '12.5', 'paid'), order(2, '7.10', 'new'), order(3, '3.00', 'new'), order(4, '40', 'new')],
  [order(1, '13.00', 'paid'), order(2, '7.1', 'sent'), order(4, '40.0', 'new')],
  [order(1, '13', 'paid'), order(2, '7.1', 'sent'), order(3, '3', 'back'), order(4, 'forty', 'new')],
  [order(1, '13.0', 'done'), order(2, '7.10', 'done'), order(3, '3.0', 'done'), order(4, '40', 'done'), order(5, '1e1', 'new')],
];

const created = (run: number): Date => new Date(Date.UTC(2026, 1, run, 6));
const boundary = (run: number): Date => new Date(Date.UTC(2026, 1, run, 6, 0, 30));
const runId = (run: number): string => `run-${run}`;

type Platform = { db: TestDatabase; mongo: TestMongo; rawDir: string; raw: RawStore; copyIn: CopyIn };

async function createPlatform(): Promise<Platform> {
  const [db, mongo] = await Promise.all([createTestDatabase(), createTestMongo()]);
  const rawDir = await mkdtemp(path.join(os.tmpdir(), 'dp-replay-raw-'));
  return { db, mongo, rawDir, raw: createLocalRawStore(rawDir), copyIn: createCopyIn(db.url) };
}

async function dropPlatform(platform: Platform): Promise<void> {
  await Promise.all([platform.db.drop(), platform.mongo.drop(), rm(platform.rawDir, { recursive: true, force: true })]);
}

/** Runs snapshot `run` of the dataset as the layers do: run record, raw parts (two records each), bronze, silver. `write` false: the raw parts are already there. */
async function runSnapshot(platform: Platform, run: number, write = true): Promise<void> {
  const { pool } = platform.db;
  const found = await getDataset(pool, 'shop', 'orders');
  const ref = { source: found.source, dataset: found.dataset };
  await insertActiveRun(pool, { runId: runId(run), kind: 'dataset', source: 'shop', dataset: 'orders', load: 'full', trigger: 'schedule', triggerDetail: {}, metadataVersion: found.versionId }, created(run));
  const raw = { source: 'shop', dataset: 'orders', runId: runId(run), startedAt: created(run) };
  if (write) {
    const records = SNAPSHOTS[run - 1] ?? [];
    for (let start = 0, part = 0; start < records.length; start += 2, part += 1) await platform.raw.writePart(raw, part, records.slice(start, start + 2));
    await platform.raw.writeManifest(raw, true);
  }
  await loadBronze({ rawStore: platform.raw, db: platform.mongo.db, dataset: ref, run: { runId: raw.runId, startedAt: raw.startedAt } });
  await mergeSilver({ pool, copyIn: platform.copyIn, db: platform.mongo.db, dataset: ref, runId: raw.runId, boundaryAt: boundary(run) });
  await finishRun(pool, raw.runId, { status: 'succeeded' }, new Date());
}

const silverRow = z.record(z.string(), z.unknown());

/** Silver as rows of text, without the two wall-clock audit columns (when a merge happened, not what it decided). */
async function silverRows(pool: DatabasePool, schema = 'silver', table = 'shop__orders'): Promise<string[]> {
  const rows = await pool.any(sql.type(silverRow)`
    SELECT t.* FROM ${sql.identifier([schema, table])} t ORDER BY _key_hash, _valid_from`);
  return rows.map((row) => {
    const { _created_at: _c, _updated_at: _u, ...rest } = row;
    return JSON.stringify(rest, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  });
}

const rejectsOf = (pool: DatabasePool) =>
  pool.anyFirst(sql.type(z.object({ line: z.string() }))`SELECT concat_ws(' ', run_id, key::text, column_name, value, reason, origin) AS line FROM platform.rejects ORDER BY 1`);

async function bronzeDocuments(db: Db): Promise<string[]> {
  const documents = await db.collection('shop__orders').find({}).sort({ _id: 1 }).toArray();
  return documents.map(({ _loaded_at: _l, ...rest }) => JSON.stringify(rest));
}

type Context = { platform: Platform };
const replay = suite<Context>('replayDataset');

replay.before(async (context) => {
  context.platform = await createPlatform();
  await syncMetadata(context.platform.db.pool, metadata('text'));
  for (let run = 1; run <= 5; run += 1) await runSnapshot(context.platform, run);
  const found = await getDataset(context.platform.db.pool, 'shop', 'orders');
  assert.is(found.dataset.columns[1]?.type, 'text');
});
replay.after(async ({ platform }) => {
  await dropPlatform(platform);
});

replay('after a column is retyped, silver equals a platform that ran the new metadata from the start', async ({ platform }) => {
  const { pool } = platform.db;
  const before = await silverRows(pool);
  await syncMetadata(pool, metadata('numeric'));
  const gold = metadata('numeric').models[0];
  await buildGoldModel(pool, gold!, metadata('numeric').modelSql.order_totals ?? '');
  const goldBefore = await pool.one(sql.unsafe`SELECT * FROM gold.order_totals`);

  const events: string[] = [];
  const result = await replayDataset({ pool, copyIn: platform.copyIn, bronze: platform.mongo.db, rawStore: platform.raw, source: 'shop', dataset: 'orders', progress: (event) => events.push(`${event.phase} ${event.message}`) });
  assert.equal(result.runs.map((run) => run.runId), ['run-1', 'run-2', 'run-3', 'run-4', 'run-5']);
  assert.equal(result.runs.map((run) => run.boundaryAt.toISOString()), [1, 2, 3, 4, 5].map((run) => boundary(run).toISOString()), 'the original boundaries');
  assert.is(result.oldTable?.startsWith('shop__orders_r'), true);

  // The fresh platform: new metadata from the start, the same raw parts, the same runs at the same boundaries.
  const fresh = await createPlatform();
  try {
    await syncMetadata(fresh.db.pool, metadata('numeric'));
    await rm(fresh.rawDir, { recursive: true, force: true });
    await cp(platform.rawDir, fresh.rawDir, { recursive: true });
    for (let run = 1; run <= 5; run += 1) await runSnapshot(fresh, run, false);
    await buildGoldModel(fresh.db.pool, gold!, metadata('numeric').modelSql.order_totals ?? '');

    const replayed = await silverRows(pool);
    assert.equal(replayed, await silverRows(fresh.db.pool));
    assert.not.equal(replayed, before, 'the retype changed the history (equal amounts spelled differently open no version now)');
    assert.equal(await rejectsOf(pool), await rejectsOf(fresh.db.pool));
    assert.equal(await bronzeDocuments(platform.mongo.db), await bronzeDocuments(fresh.mongo.db));
    assert.equal(await pool.one(sql.unsafe`SELECT * FROM gold.order_totals`), await fresh.db.pool.one(sql.unsafe`SELECT * FROM gold.order_totals`));
  } finally {
    await dropPlatform(fresh);
  }
  assert.not.equal(await pool.one(sql.unsafe`SELECT * FROM gold.order_totals`), goldBefore, 'gold was rebuilt from the new silver');
  assert.ok(events.some((line) => line.startsWith('replay 5/5 run-5')) && events.some((line) => line.startsWith('gold gold.order_totals rebuilt')), events.join('\n'));

  // The replaced table is kept, unchanged, until dropped; the replay ran as a run of the dataset.
  assert.equal(await silverRows(pool, 'silver_old', result.oldTable ?? ''), before);
  const lock = await pool.one(sql.type(z.object({ status: z.string(), trigger_detail: z.record(z.string(), z.unknown()) }))`SELECT status, trigger_detail FROM platform.runs WHERE run_id = ${result.replayId}`);
  assert.equal(lock, { status: 'succeeded', trigger_detail: { replay: true, from: null } });
  const again = await replayDataset({ pool, copyIn: platform.copyIn, bronze: platform.mongo.db, rawStore: platform.raw, source: 'shop', dataset: 'orders' });
  assert.equal(await silverRows(pool), await silverRows(pool, 'silver_old', again.oldTable ?? ''), 'replaying under the same metadata changes nothing');
  const dropped = await dropOldReplays(pool, platform.mongo.db, 'shop', 'orders');
  assert.equal(dropped, [`silver_old.${result.oldTable}`, `bronze ${result.oldCollection}`, `silver_old.${again.oldTable}`, `bronze ${again.oldCollection}`]);
  const leftOver = await pool.anyFirst(sql.unsafe`SELECT tablename FROM pg_tables WHERE schemaname IN ('silver_old', 'replay')`);
  assert.equal(leftOver, []);
});

replay('from a run: the history before it is kept, rehashed under the new metadata, and the runs after it merged again', async () => {
  const platform = await createPlatform();
  try {
    const { pool } = platform.db;
    await syncMetadata(pool, metadata('text'));
    for (let run = 1; run <= 5; run += 1) await runSnapshot(platform, run);
    await syncMetadata(pool, metadata('numeric'));
    const keptBefore = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM silver.shop__orders WHERE _valid_from < ${boundary(4).toISOString()}::timestamptz`);
    const result = await replayDataset({ pool, copyIn: platform.copyIn, bronze: platform.mongo.db, rawStore: platform.raw, source: 'shop', dataset: 'orders', from: 'run-4', dropOld: true });
    assert.equal(result.runs.map((run) => run.runId), ['run-4', 'run-5']);
    assert.equal(result.dropped, [`silver_old.${result.oldTable}`, `bronze ${result.oldCollection}`], '--drop-old: what the replay replaced is dropped once it succeeded');
    assert.equal(await pool.anyFirst(sql.unsafe`SELECT tablename FROM pg_tables WHERE schemaname = 'silver_old'`), []);
    assert.is(result.keptVersions, keptBefore);
    // Order 1 was 13.00 when run 4 started (a text version of run 3) and is 13 in run 4, 13.0 in run 5: the
    // same number, so no new version — only when the kept current row was rehashed as numeric.
    const order1 = await pool.anyFirst(sql.type(z.object({ from: z.date() }))`SELECT _valid_from AS from FROM silver.shop__orders WHERE id = 1 ORDER BY _valid_from`);
    assert.equal(order1.map((date) => date.toISOString()), [1, 2, 3].map((run) => boundary(run).toISOString()));
    const current = await pool.one(sql.type(z.object({ amount: z.string(), status: z.string(), valid_to: z.date().nullable() }))`SELECT amount::text AS amount, status, _valid_to AS valid_to FROM silver.shop__orders WHERE id = 1 AND _is_current`);
    assert.equal(current, { amount: '13.00', status: 'done', valid_to: null }, 'the run-3 version reopened, its status overwritten by run 5 (scd 1)');
  } finally {
    await dropPlatform(platform);
  }
});

replay('refuses, naming them, when raw files the history needs were deleted', async ({ platform }) => {
  const { pool } = platform.db;
  const gone = rawRunPrefix({ source: 'shop', dataset: 'orders', runId: 'run-2', startedAt: created(2) });
  await rm(path.join(platform.rawDir, gone), { recursive: true });
  await rm(path.join(platform.rawDir, rawRunPrefix({ source: 'shop', dataset: 'orders', runId: 'run-3', startedAt: created(3) }), 'part-00001.json'));
  const silver = await silverRows(pool);
  try {
    await replayDataset({ pool, copyIn: platform.copyIn, bronze: platform.mongo.db, rawStore: platform.raw, source: 'shop', dataset: 'orders' });
    assert.unreachable('refused');
  } catch (error) {
    assert.instance(error, PlatformError);
    const { code, message } = error as PlatformError;
    assert.is(code, 'replay.raw_missing');
    assert.match(message, `run run-2: ${gone}/ is gone`);
    assert.match(message, /run run-3: raw\/shop\/orders\/2026\/02\/03\/run-3\/part-00001\.json missing/);
    assert.match(message, /dp replay shop\.orders --from run-4/);
  }
  assert.equal(await silverRows(pool), silver, 'nothing changed');
  const active = await pool.anyFirst(sql.unsafe`SELECT run_id FROM platform.runs WHERE status = 'running'`);
  assert.equal(active, []);
});

replay.run();
