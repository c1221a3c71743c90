/**
 * The project's own FerretDB start path, on its own port, data folder and storage database (never the server
 * the other tests use): FerretDB on its PostgreSQL backend keeps the documents in Postgres, refuses clients that
 * do not log in, and lets in PLAIN logins as a Postgres role — as faasd/docker-compose.yaml deploys it.
 */
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { MongoClient } from 'mongodb';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { getEnv } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { ferretdbPostgresUrl, isMongoReachable, startLocalFerretdb, stopLocalFerretdb } from '#tools/services/ferretdbServer.ts';
import { withAdminClient } from '#tools/services/withAdminClient.ts';
import { freePort } from '#support/freePort.ts';

type Context = { dataDir: string; port: number; storage: string; mongodbUrl: string };
const ferretdb = suite<Context>('local FerretDB on the PostgreSQL backend');

ferretdb.before(async (context) => {
  context.dataDir = await mkdtemp(path.join(tmpdir(), 'dp-ferretdb-'));
  // Reuse the launcher the test runner built, when there is one, instead of building it again.
  const built = path.join(getEnv().dataDir, 'bin', 'ferretdb');
  if (existsSync(built) && existsSync(`${built}.source`)) {
    await mkdir(path.join(context.dataDir, 'bin'));
    await copyFile(built, path.join(context.dataDir, 'bin', 'ferretdb'));
    await copyFile(`${built}.source`, path.join(context.dataDir, 'bin', 'ferretdb.source'));
    await chmod(path.join(context.dataDir, 'bin', 'ferretdb'), 0o755);
  }
  context.port = await freePort();
  context.storage = `dp_test_ferretdb_${process.pid}`;
  const url = new URL(`mongodb://127.0.0.1:${context.port}/bronze?authMechanism=PLAIN`);
  url.username = new URL(getEnv().databaseUrl).username || 'postgres';
  url.password = new URL(getEnv().databaseUrl).password;
  context.mongodbUrl = url.toString();
  await startLocalFerretdb({ dataDir: context.dataDir, port: context.port, databaseUrl: getEnv().databaseUrl, mongodbUrl: context.mongodbUrl, storageDatabase: context.storage, log: createLogger({ level: 'error' }) });
});

ferretdb.after(async ({ dataDir, storage }) => {
  assert.ok(await stopLocalFerretdb(dataDir), 'the server this test started is stopped through its pid file');
  await withAdminClient(getEnv().databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(storage)} WITH (FORCE)`));
  await rm(dataDir, { recursive: true, force: true });
});

ferretdb('FerretDB connects to Postgres without credentials of its own', () => {
  assert.is(ferretdbPostgresUrl('postgres://owner:pw@db:5432/dataplatform?sslmode=disable'), 'postgres://db:5432/ferretdb');
});

ferretdb('a PLAIN login as a Postgres role works, and the documents land in the storage database', async ({ mongodbUrl, storage }) => {
  const client = new MongoClient(mongodbUrl, { retryWrites: false });
  try {
    await client.connect();
    const inserted = await client.db('bronze').collection<{ _id: string; _run_id: string }>('shop__orders').insertMany([{ _id: 'a', _run_id: 'r1' }, { _id: 'b', _run_id: 'r2' }]);
    assert.is(inserted.insertedCount, 2);
    assert.equal(await client.db('bronze').collection<{ _id: string; _run_id: string }>('shop__orders').find({ _run_id: 'r2' }).toArray(), [{ _id: 'b', _run_id: 'r2' }]);
  } finally {
    await client.close();
  }
  const url = new URL(getEnv().databaseUrl);
  url.pathname = `/${storage}`;
  const direct = new pg.Client({ connectionString: url.toString() });
  await direct.connect();
  const { rows } = await direct
    .query<{ n: string }>(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'bronze' AND table_name LIKE 'shop__orders%'`)
    .finally(() => direct.end());
  assert.equal(rows, [{ n: '1' }], 'the MongoDB database `bronze` is a schema of the storage database, the collection a table in it');
});

ferretdb('a client that does not log in is refused, as on faasd', async ({ port }) => {
  assert.is(await isMongoReachable(`mongodb://127.0.0.1:${port}/bronze`, 2000), false);
});

ferretdb.run();
