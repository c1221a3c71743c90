/**
 * The throwaway databases a benchmark measures in: services found or started like the test runner does, one
 * Postgres database and one bronze database of the same random name, dropped at the end.
 */
import { randomBytes } from 'node:crypto';

import pg from 'pg';

import { getEnv } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { createMongoClient } from '#platform/mongo/createMongoClient.ts';
import { ensureServices, type Services } from '#tools/services/services.ts';
import { withAdminClient } from '#tools/services/withAdminClient.ts';

export type BenchDatabase = {
  readonly name: string;
  /** The new Postgres database. */
  readonly databaseUrl: string;
  /** The bronze database of the same name on the MongoDB-wire server. */
  readonly mongodbUrl: string;
  /** Drops both databases. */
  readonly drop: () => Promise<void>;
};

/** Finds or starts Postgres and FerretDB; their messages go to stderr with `[services]`. */
export function benchServices(): Promise<Services> {
  return ensureServices(getEnv(), createLogger({ format: 'text', fields: {}, level: 'warn', sink: (line) => process.stderr.write(`[services] ${line}\n`) }));
}

/** A new, empty (not migrated) Postgres database and the name of its bronze database; `create: false` only names them. */
export async function createBenchDatabase(services: Pick<Services, 'databaseUrl' | 'mongodbUrl'>, options: { readonly create?: boolean } = {}): Promise<BenchDatabase> {
  const name = `dp_bench_${randomBytes(4).toString('hex')}`;
  if (options.create !== false) await withAdminClient(services.databaseUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const databaseUrl = new URL(services.databaseUrl);
  databaseUrl.pathname = `/${name}`;
  const mongodbUrl = new URL(services.mongodbUrl);
  mongodbUrl.pathname = `/${name}`;
  return {
    name,
    databaseUrl: databaseUrl.toString(),
    mongodbUrl: mongodbUrl.toString(),
    drop: async () => {
      await withAdminClient(services.databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
      const client = await createMongoClient({ url: mongodbUrl.toString() }).catch(() => undefined);
      await client?.db().dropDatabase().catch(() => undefined);
      await client?.close();
    },
  };
}
