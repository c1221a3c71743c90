import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { TableCount } from '../archive/backupManifest.ts';

/** Schemas whose tables a backup leaves out: merges and replays in progress, rebuilt or dropped anyway. */
export const TRANSIENT_SCHEMAS = ['staging', 'replay'] as const;

export type DatabaseInventory = {
  readonly serverVersion: string;
  readonly serverMajor: number;
  /** Schemas that hold a FerretDB database (its `_ferretdb_database_metadata` table): bronze lives there. */
  readonly ferretdbSchemas: readonly string[];
  /** Migration files applied, in order (empty before the first migration). */
  readonly migrations: readonly string[];
  /** Every ordinary table outside the system, transient and FerretDB schemas, with its rows. */
  readonly tables: readonly TableCount[];
};

const tableSchema = z.object({ schema: z.string(), table: z.string() });

/**
 * What a database holds, read inside the caller's transaction (so inside a backup's snapshot the
 * counts are exactly what pg_dump writes): server version, FerretDB schemas, applied migrations and
 * the rows of every table.
 */
export async function readDatabaseInventory(connection: CommonQueryMethods): Promise<DatabaseInventory> {
  const serverVersion = await connection.oneFirst(sql.type(z.object({ version: z.string() }))`SELECT current_setting('server_version') AS version`);
  const serverMajor = Number(await connection.oneFirst(sql.type(z.object({ major: z.string() }))`SELECT current_setting('server_version_num') AS major`)) / 10_000;
  const ferretdbSchemas = await connection.anyFirst(sql.type(z.object({ schema: z.string() }))`
    SELECT DISTINCT table_schema AS schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata' ORDER BY 1`);
  const hasMigrations = await connection.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass('public.migrations') IS NOT NULL AS present`);
  const migrations = hasMigrations ? await connection.anyFirst(sql.type(z.object({ name: z.string() }))`SELECT name FROM public.migrations ORDER BY id`) : [];
  const skipped = [...TRANSIENT_SCHEMAS, ...ferretdbSchemas];
  const tables = await connection.any(sql.type(tableSchema)`
    SELECT n.nspname AS schema, c.relname AS table
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'
      AND n.nspname <> ALL(${sql.array(skipped, 'text')})
    ORDER BY 1, 2`);
  const counted: TableCount[] = [];
  for (const table of tables) {
    const rows = await connection.oneFirst(sql.type(z.object({ rows: z.bigint() }))`SELECT count(*) AS rows FROM ${sql.identifier([table.schema, table.table])}`);
    counted.push({ ...table, rows: Number(rows) });
  }
  return { serverVersion, serverMajor: Math.floor(serverMajor), ferretdbSchemas, migrations, tables: counted };
}
