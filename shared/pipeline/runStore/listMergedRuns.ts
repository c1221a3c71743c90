import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const mergedRunSchema = z.object({ run_id: z.string(), created_at: z.date(), boundary_at: z.date(), metadata_version: z.bigint().nullable() });

/** A run whose records silver merged: what a replay merges again, at the same boundary. */
export type MergedRun = {
  readonly runId: string;
  /** Fixes the run's raw folders (`raw/<source>/<dataset>/<yyyy>/<mm>/<dd>/<run>/`). */
  readonly createdAt: Date;
  /** The run's silver boundary: `_valid_from`/`_valid_to` of what it changed. */
  readonly boundaryAt: Date;
  /** The catalog version the run worked from. */
  readonly metadataVersion: number | null;
};

/**
 * The dataset's runs that silver merged, in the order they were merged. A run's boundary is fixed inside the
 * merge's transaction (fixRunBoundary), so a run has one exactly when a merge of it committed.
 */
export async function listMergedRuns(db: CommonQueryMethods, source: string, dataset: string): Promise<readonly MergedRun[]> {
  const rows = await db.any(sql.type(mergedRunSchema)`
    SELECT run_id, created_at, boundary_at, metadata_version FROM platform.runs
    WHERE kind = 'dataset' AND source = ${source} AND dataset = ${dataset} AND boundary_at IS NOT NULL
    ORDER BY boundary_at, run_id`);
  return rows.map((row) => ({ runId: row.run_id, createdAt: row.created_at, boundaryAt: row.boundary_at, metadataVersion: row.metadata_version === null ? null : Number(row.metadata_version) }));
}
