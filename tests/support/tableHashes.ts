/**
 * A fingerprint of every table of a platform database, row by row: for each table, its row count and
 * the md5 of its rows' text forms in sorted order. Two databases with equal fingerprints hold the same
 * rows in every table.
 */
import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

export type TableHashes = Readonly<Record<string, { readonly rows: number; readonly md5: string | null }>>;

const tableSchema = z.object({ schema: z.string(), table: z.string() });

/** Fingerprints the tables of the given schemas (default: the platform's own, silver and gold, and the migrations table). */
export async function tableHashes(connection: CommonQueryMethods, schemas: readonly string[] = ['platform', 'silver', 'gold', 'public']): Promise<TableHashes> {
  const tables = await connection.any(sql.type(tableSchema)`
    SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname = ANY(${sql.array([...schemas], 'text')}) ORDER BY 1, 2`);
  const result: Record<string, { rows: number; md5: string | null }> = {};
  for (const { schema, table } of tables) {
    const name = sql.identifier([schema, table]);
    result[`${schema}.${table}`] = await connection.one(sql.type(z.object({ rows: z.number(), md5: z.string().nullable() }))`
      SELECT count(*)::int AS rows, md5(string_agg(t::text, E'\n' ORDER BY t::text)) AS md5 FROM ${name} t`);
  }
  return result;
}
