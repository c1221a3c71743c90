/**
 * Backup and restore on real services: a platform with history in every layer is backed up, restored into
 * an empty platform and compared table by table, collection by collection and file by file; a second
 * backup stores only the new raw files; a platform with data is refused; a damaged archive is refused
 * before anything is written.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { BSON, type Db } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { sql } from '#platform/db/sql.ts';
import { PlatformError } from '#platform/errors.ts';
import { createFolderObjectStore } from '#platform/raw/createFolderObjectStore.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import { listBackups } from '#lifecycle/archive/listBackups.ts';
import { createBackup, type BackupResult } from '#lifecycle/backup/createBackup.ts';
import { restoreBackup } from '#lifecycle/restore/restoreBackup.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from '#support/database.ts';
import { createLayerHarness, makeDataset, type LayerHarness } from '#support/layers.ts';
import { tableHashes } from '#support/tableHashes.ts';

const accounts = makeDataset('bank', {
  name: 'accounts',
  load: 'full',
  key: ['id'],
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'name', type: 'text', scd: 1 },
    { name: 'balance', type: 'numeric' },
    { name: 'opened', type: 'date' },
    { name: 'tags', type: 'jsonb', scd: 'none' },
  ],
});

const snapshot = (run: number) =>
  Array.from({ length: 7 }, (_, index) => ({ id: index + 1, name: `Account ${index + 1}${run > 2 && index === 0 ? ' (renamed)' : ''}`, balance: (index + 1) * 100 + run * (index % 3), opened: `2025-0${1 + (index % 9)}-1${index % 9}`, tags: { run, list: [index, 'x'] } })).filter((_, index) => index !== run);

type Platform = { db: TestDatabase; mongo: TestMongo; rawDir: string; raw: ObjectStore };

async function emptyPlatform(): Promise<Platform> {
  const [db, mongo] = await Promise.all([createTestDatabase({ migrate: false }), createTestMongo()]);
  const rawDir = await mkdtemp(path.join(os.tmpdir(), 'dp-restored-raw-'));
  return { db, mongo, rawDir, raw: createFolderObjectStore(rawDir) };
}

async function dropPlatform(platform: Platform): Promise<void> {
  await Promise.all([platform.db.drop(), platform.mongo.drop(), rm(platform.rawDir, { recursive: true, force: true })]);
}

/** Every document of every collection, in _id order, as canonical Extended JSON. */
async function bronzeContents(db: Db): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    const documents = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    result[name] = documents.map((document) => BSON.EJSON.stringify(document, { relaxed: false }));
  }
  return result;
}

async function rawContents(raw: ObjectStore): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const key of await raw.list('raw/')) result[key] = (await raw.get(key))?.toString('base64') ?? '';
  return result;
}

type Context = { harness: LayerHarness; targetDir: string; target: ObjectStore; workDir: string; first: BackupResult };
const lifecycle = suite<Context>('backup and restore');

lifecycle.before(async (context) => {
  context.harness = await createLayerHarness();
  context.targetDir = await mkdtemp(path.join(os.tmpdir(), 'dp-backups-'));
  context.target = createFolderObjectStore(context.targetDir);
  context.workDir = path.join(context.targetDir, '..', `${path.basename(context.targetDir)}-work`);
  for (let run = 1; run <= 3; run += 1) await context.harness.runSnapshot(accounts, snapshot(run));
  await context.harness.db.pool.query(sql.unsafe`CREATE TABLE gold.account_count AS SELECT count(*) AS accounts FROM silver.bank__accounts WHERE _is_current AND NOT _is_deleted`);
});
lifecycle.after(async (context) => {
  await context.harness.drop();
  await rm(context.targetDir, { recursive: true, force: true });
});

const backupOf = (context: Context, extra: Partial<Parameters<typeof createBackup>[0]> = {}) =>
  createBackup({ pool: context.harness.db.pool, databaseUrl: context.harness.db.url, bronze: context.harness.mongo.db, raw: context.harness.rawObjects, target: context.target, workDir: context.workDir, ...extra });

lifecycle('a backup restored into an empty platform gives back every table, document and raw file exactly', async (context) => {
  const events: string[] = [];
  context.first = await backupOf(context, { progress: (event) => events.push(`${event.phase} ${event.message}`) });
  const { manifest } = context.first;
  assert.match(manifest.id, /^\d{8}T\d{6}Z$/);
  assert.is(manifest.postgres.format, 'custom');
  assert.ok(manifest.postgres.tables.some((table) => table.schema === 'silver' && table.table === 'bank__accounts' && table.rows > 7), 'silver counted');
  assert.ok(manifest.bronze.collections.some((collection) => collection.name === 'bank__accounts' && collection.documents === 18));
  assert.is(manifest.raw.new_objects, manifest.raw.objects.length, 'the first backup stores every raw file');
  assert.ok(events.some((line) => line.startsWith('postgres dumping')) && events.some((line) => line.startsWith('raw ')), events.join('\n'));

  const platform = await emptyPlatform();
  try {
    const result = await restoreBackup({ target: context.target, id: manifest.id, pool: platform.db.pool, databaseUrl: platform.db.url, bronze: platform.mongo.db, raw: platform.raw, workDir: context.workDir });
    assert.ok(result.verification.ok, JSON.stringify(result.verification.mismatches));
    assert.equal(result.migrated, []);
    const original = await tableHashes(context.harness.db.pool);
    assert.ok((original['silver.bank__accounts']?.rows ?? 0) > 7 && (original['platform.runs']?.rows ?? 0) === 3 && original['gold.account_count']?.rows === 1, JSON.stringify(original));
    assert.equal(await tableHashes(platform.db.pool), original);
    assert.equal(await bronzeContents(platform.mongo.db), await bronzeContents(context.harness.mongo.db));
    assert.equal(await rawContents(platform.raw), await rawContents(context.harness.rawObjects));
    const indexes = await platform.mongo.db.collection('bank__accounts').indexes();
    assert.ok(indexes.some((index) => index.name === 'bronze_run_id'), 'bronze indexes recreated');

    // The restored platform goes on where the original stood: the next run merges against the restored history.
    const restoredRuns = await platform.db.pool.anyFirst(sql.unsafe`SELECT run_id FROM platform.runs ORDER BY run_id`);
    assert.equal(restoredRuns, ['run-001', 'run-002', 'run-003']);

    // A platform holding data is refused, naming what is there, unless forced.
    try {
      await restoreBackup({ target: context.target, id: manifest.id, pool: platform.db.pool, databaseUrl: platform.db.url, bronze: platform.mongo.db, raw: platform.raw, workDir: context.workDir });
      assert.unreachable('a platform with data is refused');
    } catch (error) {
      assert.instance(error, PlatformError);
      assert.is((error as PlatformError).code, 'restore.not_empty');
      assert.match((error as PlatformError).message, /silver\.bank__accounts|platform\./);
      assert.match((error as PlatformError).message, /--force/);
    }
    const forced = await restoreBackup({ target: context.target, id: manifest.id, pool: platform.db.pool, databaseUrl: platform.db.url, bronze: platform.mongo.db, raw: platform.raw, workDir: context.workDir, force: true });
    assert.ok(forced.verification.ok, JSON.stringify(forced.verification.mismatches));
    assert.equal(await tableHashes(platform.db.pool), await tableHashes(context.harness.db.pool));
    assert.equal(await bronzeContents(platform.mongo.db), await bronzeContents(context.harness.mongo.db));
  } finally {
    await dropPlatform(platform);
  }
});

lifecycle('a second backup after more runs stores only the new raw files', async (context) => {
  const before = new Set(await context.harness.rawObjects.list('raw/'));
  await context.harness.runSnapshot(accounts, snapshot(4));
  await context.harness.runSnapshot(accounts, snapshot(5));
  const added = (await context.harness.rawObjects.list('raw/')).filter((key) => !before.has(key));
  assert.ok(added.length >= 6, `two runs of three parts and a manifest each: ${added.length}`);
  const second = await backupOf(context);
  assert.is(second.manifest.raw.objects.length, before.size + added.length);
  assert.is(second.manifest.raw.new_objects, added.length, 'only the files of the two new runs are stored');
  assert.ok(second.manifest.stored_bytes > 0);

  const platform = await emptyPlatform();
  try {
    const result = await restoreBackup({ target: context.target, id: second.id, pool: platform.db.pool, databaseUrl: platform.db.url, bronze: platform.mongo.db, raw: platform.raw, workDir: context.workDir });
    assert.ok(result.verification.ok);
    assert.equal(await tableHashes(platform.db.pool), await tableHashes(context.harness.db.pool));
    assert.equal(await rawContents(platform.raw), await rawContents(context.harness.rawObjects), 'files stored by the first backup are restored from it');
  } finally {
    await dropPlatform(platform);
  }
});

lifecycle('retention keeps the newest backup of each day and drops what only the others used', async (context) => {
  const third = await backupOf(context, { retention: { daily: 1, weekly: 0 } });
  assert.equal((await listBackups(context.target)).complete, [third.id]);
  assert.equal(third.pruned?.kept, [third.id]);
  assert.is(third.pruned?.deleted.length, 2);
  assert.is(third.pruned?.objectsDeleted, 0, 'every raw file is still in the raw store, so the kept backup refers to it');
});

lifecycle('a backup dumped in the directory format by two pg_dump workers restores the same', async (context) => {
  const parallel = await backupOf(context, { jobs: 2, retention: null });
  assert.is(parallel.manifest.postgres.format, 'directory');
  assert.ok(parallel.manifest.postgres.files.length > 2 && parallel.manifest.postgres.files.every((file) => file.name.startsWith(`${parallel.manifest.postgres.database}.dir/`)), 'one stored file per file of the dump folder');
  const platform = await emptyPlatform();
  try {
    const result = await restoreBackup({ target: context.target, id: parallel.id, pool: platform.db.pool, databaseUrl: platform.db.url, bronze: platform.mongo.db, raw: platform.raw, workDir: context.workDir, jobs: 2 });
    assert.ok(result.verification.ok, JSON.stringify(result.verification.mismatches));
    const { ['platform.backups']: _restoredBackups, ...restored } = await tableHashes(platform.db.pool);
    const { ['platform.backups']: _originalBackups, ...original } = await tableHashes(context.harness.db.pool);
    assert.equal(restored, original);
  } finally {
    await dropPlatform(platform);
  }
});

lifecycle('a damaged archive is refused before anything is restored', async (context) => {
  const backup = await backupOf(context, { retention: null });
  const chunk = backup.manifest.postgres.files[0]?.chunks[0]?.key ?? '';
  const file = path.join(context.targetDir, chunk);
  const bytes = await readFile(file);
  bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0xff;
  await writeFile(file, bytes);
  const platform = await emptyPlatform();
  try {
    await restoreBackup({ target: context.target, id: backup.id, pool: platform.db.pool, databaseUrl: platform.db.url, bronze: platform.mongo.db, raw: platform.raw, workDir: context.workDir });
    assert.unreachable('a damaged object is refused');
  } catch (error) {
    assert.is((error as PlatformError).code, 'backup.object_corrupt', String(error));
    assert.match((error as PlatformError).message, new RegExp(chunk.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    const tables = await platform.db.pool.anyFirst(sql.unsafe`SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('platform', 'silver')`);
    assert.equal(tables, [], 'nothing was restored');
  } finally {
    await dropPlatform(platform);
  }
});

lifecycle.run();
