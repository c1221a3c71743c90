import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const replayRunSchema = z.object({ run_id: z.string(), created_at: z.date(), boundary_at: z.date() });

/** A run whose records silver merged: what a replay merges again, at the same boundary. */
export type ReplayRun = {
  readonly runId: string;
  /** Fixes the run's raw folders (`raw/<source>/<dataset>/<yyyy>/<mm>/<dd>/<run>/`). */
  readonly createdAt: Date;
  /** The run's silver boundary: `_valid_from`/`_valid_to` of what it changed. */
  readonly boundaryAt: Date;
};

/**
 * The dataset's runs that silver merged (their boundary is fixed in the merge's transaction, and their
 * silver step succeeded), in the order they were merged.
 */
export async function listReplayRuns(connection: CommonQueryMethods, source: string, dataset: string): Promise<readonly ReplayRun[]> {
  const rows = await connection.any(sql.type(replayRunSchema)`
    SELECT r.run_id, r.created_at, r.boundary_at
    FROM platform.runs r
    WHERE r.kind = 'dataset' AND r.source = ${source} AND r.dataset = ${dataset} AND r.boundary_at IS NOT NULL
      AND EXISTS (SELECT 1 FROM platform.run_steps s WHERE s.run_id = r.run_id AND s.step = 'silver' AND s.status = 'succeeded')
    ORDER BY r.boundary_at, r.run_id`);
  return rows.map((row) => ({ runId: row.run_id, createdAt: row.created_at, boundaryAt: row.boundary_at }));
}
