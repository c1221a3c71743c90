import { z } from 'zod';

import { sql, type DatabasePool } from '#platform/db/sql.ts';

/** Drops the given staging tables (a merge's own, when it ends). */
export async function dropStagingTables(pool: DatabasePool, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    await pool.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier(['staging', table])}`);
  }
}

/**
 * Drops staging tables that merges which crashed left behind, once older than `olderThanMs`
 * (default: one day, far longer than any merge runs) — never the tables of a run's staging that is still
 * recorded in `platform.silver_staging` (those go with their run).
 */
export async function dropStaleStagingTables(pool: DatabasePool, olderThanMs = 86_400_000): Promise<readonly string[]> {
  const names = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    SELECT tablename AS name FROM pg_tables
    WHERE schemaname = 'staging' AND tablename ~ '^merge_[0-9]+_'
      AND regexp_replace(tablename, '_rejects$', '') NOT IN (SELECT stage_table FROM platform.silver_staging)`);
  const cutoff = (Date.now() - olderThanMs) / 1000;
  const stale = names.filter((name) => Number(/^merge_(\d+)_/.exec(name)?.[1]) < cutoff);
  await dropStagingTables(pool, stale);
  return stale;
}
