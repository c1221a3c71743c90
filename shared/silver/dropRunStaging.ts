import { z } from 'zod';

import { listEndedRuns } from '#pipeline/runStore/listEndedRuns.ts';
import { sql, type CommonQueryMethods, type DatabasePool } from '#platform/db/sql.ts';

/**
 * Drops a run's silver staging: its two tables and its row in `platform.silver_staging`. Inside the merge
 * transaction this commits (or rolls back) with the merge. Returns whether the run had a staging.
 */
export async function dropRunStaging(connection: CommonQueryMethods, runId: string): Promise<boolean> {
  const table = await connection.maybeOneFirst(sql.type(z.object({ stage_table: z.string() }))`
    DELETE FROM platform.silver_staging WHERE run_id = ${runId} RETURNING stage_table`);
  if (table === null) return false;
  await connection.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier(['staging', table])}`);
  await connection.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier(['staging', `${table}_rejects`])}`);
  return true;
}

/**
 * Drops the silver staging of runs that have ended (failed, cancelled, or succeeded without merging —
 * a merge drops its own). Each drop waits at most `lockTimeoutMs` (default 2000) for a straggling
 * invocation that still writes to it, and is left for the next sweep otherwise. Returns the runs swept.
 */
export async function dropEndedRunStaging(pool: DatabasePool, lockTimeoutMs = 2000): Promise<readonly string[]> {
  const staged = await pool.anyFirst(sql.type(z.object({ run_id: z.string() }))`SELECT run_id FROM platform.silver_staging`);
  const ended = await listEndedRuns(pool, staged);
  const swept: string[] = [];
  for (const runId of ended) {
    const dropped = await pool
      .transaction(async (tx) => {
        await tx.query(sql.unsafe`SELECT set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`);
        return dropRunStaging(tx, runId);
      })
      .catch(() => false);
    if (dropped) swept.push(runId);
  }
  return swept;
}
