/**
 * Test helpers for real databases: every test file gets its own throwaway Postgres database
 * and MongoDB database on the servers the test runner found or started, so files can run in parallel.
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';
import type { Db, MongoClient } from 'mongodb';
import type { DatabasePool } from 'slonik';

import { createPool } from '#platform/db/createPool.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import { getEnv } from '#platform/env.ts';
import { createMongoClient } from '#platform/mongo/createMongoClient.ts';
import { withAdminClient } from '#tools/services/withAdminClient.ts';

export type TestDatabase = {
  readonly url: string;
  readonly name: string;
  readonly pool: DatabasePool;
  /** Ends the pool and drops the database. */
  readonly drop: () => Promise<void>;
};

const uniqueName = (): string => `dp_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** Creates an empty database (migrated unless `migrate: false`) and a pool on it. */
export async function createTestDatabase(options: { readonly migrate?: boolean } = {}): Promise<TestDatabase> {
  const name = uniqueName();
  await withAdminClient(getEnv().databaseUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(getEnv().databaseUrl);
  url.pathname = `/${name}`;
  if (options.migrate !== false) {
    await migrateDatabase({ url: url.toString() });
  }
  const pool = await createPool({ url: url.toString() });
  return {
    url: url.toString(),
    name,
    pool,
    drop: async () => {
      await pool.end();
      await withAdminClient(getEnv().databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
    },
  };
}

export type TestMongo = {
  readonly url: string;
  readonly client: MongoClient;
  readonly db: Db;
  /** Drops the database and closes the client. */
  readonly drop: () => Promise<void>;
};

/** Connects to a fresh MongoDB database on the test server. */
export async function createTestMongo(): Promise<TestMongo> {
  const name = uniqueName();
  const url = new URL(getEnv().mongodbUrl);
  url.pathname = `/${name}`;
  const client = await createMongoClient({ url: url.toString() });
  const db = client.db(name);
  return {
    url: url.toString(),
    client,
    db,
    drop: async () => {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}
