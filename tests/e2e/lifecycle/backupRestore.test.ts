/**
 * The backup promise end to end, through the real `dp`: the demo runs, `dp backup` archives it, every
 * database and the raw store are dropped, `dp restore` brings it back — and silver, gold, runs and the
 * catalog are identical row by row, bronze document by document, raw file by file. The restored platform
 * then takes a new export, and a second `dp backup` stores only that run's raw files.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import pg from 'pg';
import { BSON, type Db } from 'mongodb';
import { suite } from 'uvu';
import { z } from 'zod';
import * as assert from 'uvu/assert';

import { createPool } from '#platform/db/createPool.ts';
import { sql } from '#platform/db/sql.ts';
import { getEnv, projectRoot } from '#platform/env.ts';
import { createFolderObjectStore } from '#platform/raw/createFolderObjectStore.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import { withAdminClient } from '#tools/services/withAdminClient.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from '#support/database.ts';
import { freePort } from '#support/freePort.ts';
import { startDp } from '#support/startDp.ts';
import { tableHashes, type TableHashes } from '#support/tableHashes.ts';

type Context = { db: TestDatabase; mongo: TestMongo; dir: string; backups: string; env: Record<string, string> };
const e2e = suite<Context>('demo → dp backup → drop everything → dp restore');

e2e.before(async (context) => {
  context.db = await createTestDatabase({ migrate: false });
  context.mongo = await createTestMongo();
  context.dir = await mkdtemp(path.join(os.tmpdir(), 'dp-lifecycle-'));
  context.backups = await mkdtemp(path.join(os.tmpdir(), 'dp-lifecycle-backups-'));
  const port = await freePort();
  context.env = {
    DATABASE_URL: context.db.url,
    MONGODB_URL: context.mongo.url,
    DP_DATA_DIR: context.dir,
    DP_BACKUP_URL: pathToFileURL(context.backups).href,
    DP_GATEWAY_PORT: String(port),
    DP_GATEWAY_URL: `http://127.0.0.1:${port}`,
    DP_GATEWAY_PASSWORD: 'lifecycle-test-password-5150',
  };
});
e2e.after(async ({ db, mongo, dir, backups }) => {
  await withAdminClient(getEnv().databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(db.name)} WITH (FORCE)`));
  await mongo.drop();
  await rm(dir, { recursive: true, force: true });
  await rm(backups, { recursive: true, force: true });
});

async function bronzeContents(db: Db): Promise<Record<string, string[]>> {
  const result: Record<string, string[]> = {};
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    result[name] = (await db.collection(name).find({}).sort({ _id: 1 }).toArray()).map((document) => BSON.EJSON.stringify(document, { relaxed: false }));
  }
  return result;
}

async function rawContents(raw: ObjectStore): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const key of await raw.list('raw/')) result[key] = (await raw.get(key))?.toString('base64') ?? '';
  return result;
}

async function run(args: readonly string[], env: Record<string, string>): Promise<string> {
  const dp = startDp(args, env);
  const code = await dp.exited;
  assert.is(code, 0, `dp ${args.join(' ')}\n${dp.stdout()}\n${dp.stderr().slice(-3000)}`);
  return dp.stdout();
}

e2e('silver, gold, runs, catalog, bronze and raw come back identical', async ({ db, mongo, dir, env }) => {
  await run(['up', '--demo', '--exit'], env);
  const raw = createFolderObjectStore(path.join(dir, 'raw'));
  const before: { tables: TableHashes; bronze: Record<string, string[]>; raw: Record<string, string> } = { tables: await tableHashes(db.pool), bronze: await bronzeContents(mongo.db), raw: await rawContents(raw) };
  assert.ok((before.tables['silver.bank__transactions']?.rows ?? 0) === 36, 'the demo built its history');
  assert.ok((before.tables['gold.monthly_spending']?.rows ?? 0) > 0 && (before.tables['platform.runs']?.rows ?? 0) >= 8 && (before.tables['platform.metadata_versions']?.rows ?? 0) === 1);
  assert.ok(Object.keys(before.raw).length >= 8 && (before.bronze.bank__transactions?.length ?? 0) === 50);

  const backup = await run(['backup'], env);
  const id = /backup (\S+) written to/.exec(backup)?.[1];
  assert.ok(id !== undefined, backup);

  // Lose everything: the database, the bronze database and the raw store.
  await db.pool.end();
  await withAdminClient(getEnv().databaseUrl, (client) => client.query(`DROP DATABASE ${pg.escapeIdentifier(db.name)} WITH (FORCE)`));
  await mongo.db.dropDatabase();
  await rm(path.join(dir, 'raw'), { recursive: true, force: true });

  const restored = await run(['restore', id as string], env);
  assert.match(restored, /every count matches the manifest/);
  assert.match(restored, /table silver\.bank__transactions rows\s+36\s+36\s+ok/);

  const pool = await createPool({ url: db.url, maximumPoolSize: 1 });
  try {
    const { ['platform.backups']: backups, ...restoredTables } = await tableHashes(pool);
    const { ['platform.backups']: _none, ...originalTables } = before.tables;
    assert.equal(restoredTables, originalTables);
    assert.is(backups?.rows, 1, 'the backup itself is recorded');
  } finally {
    await pool.end();
  }
  assert.equal(await bronzeContents(mongo.db), before.bronze);
  assert.equal(await rawContents(raw), before.raw);

  // The restored platform replays: the demo's dataset rebuilt from its restored raw files under the same
  // metadata gives the same history (only when each merge happened differs), and gold is rebuilt.
  const history = sql.type(z.object({ md5: z.string() }))`
    SELECT md5(string_agg((to_jsonb(t) - '_created_at' - '_updated_at')::text, E'\n' ORDER BY t._key_hash, t._valid_from)) AS md5 FROM silver.bank__transactions t`;
  const replayPool = await createPool({ url: db.url, maximumPoolSize: 1 });
  try {
    const before = await replayPool.oneFirst(history);
    const replayed = await run(['replay', 'bank.transactions'], env);
    assert.match(replayed, /bank\.transactions: silver\.bank__transactions rebuilt from 2 run\(s\); 2 gold model\(s\) rebuilt/);
    assert.match(replayed, /kept as silver_old\.bank__transactions_r\d{8}t\d{6}/);
    assert.is(await replayPool.oneFirst(history), before);
    const dropped = await run(['replay', 'bank.transactions', '--only-drop-old'], env);
    assert.match(dropped, /dropped silver_old\.bank__transactions_r\d{8}t\d{6}, bronze _old__bank__transactions__/);
  } finally {
    await replayPool.end();
  }

  // Restoring again over the restored platform is refused without --force.
  const again = startDp(['restore', id as string], env);
  assert.is(await again.exited, 1);
  assert.match(again.stderr(), /Refusing to restore into a platform that holds data: .*--force.*\[restore\.not_empty\]/s, again.stderr());

  // More runs on the restored platform: the bank's next export, one new transaction, through the running platform.
  const rawBefore = new Set(await raw.list('raw/'));
  const snapshot = await readFile(path.join(projectRoot, 'metadata/samples/bank/snapshot-2/transactions.csv'), 'utf8');
  const nextExport = path.join(dir, 'transactions-3.csv');
  await writeFile(nextExport, `${snapshot.trimEnd()}\nT09999,NL91DEMO0417164300,2026-02-27,-12.34,EUR,Bakery,Card payment Bakery,groceries\n`);
  const up = startDp(['up', '--no-schedules'], env);
  try {
    await up.waitForLine(/^ready: /);
    await run(['inbox', 'put', 'bank', nextExport], env);
    const ran = await run(['run', 'bank.transactions', '--wait'], env);
    assert.match(ran, /succeeded/, ran);
  } finally {
    up.child.kill('SIGINT');
    await up.exited;
  }
  const added = (await raw.list('raw/')).filter((key) => !rawBefore.has(key));
  assert.ok(added.length >= 2, `the run wrote its part and manifest: ${added.join(', ')}`);

  // The second backup is incremental for raw: it lists every raw file, and stores only the new run's.
  const second = await run(['backup'], env);
  assert.match(second, new RegExp(`, ${added.length} new of ${rawBefore.size + added.length} raw files\n`), second);
});

e2e.run();
