import type { CommonQueryMethods } from '#platform/db/sql.ts';
import { listSilverChanges } from '#pipeline/runStore/listSilverChanges.ts';

/** The live rows of a silver table just after one run changed it, and what that run changed. */
export type RowsPoint = { readonly at: Date; readonly runId: string; readonly rows: number; readonly inserted: number; readonly updated: number; readonly deleted: number };

/**
 * The live rows (current, not tombstones) of a dataset after each of its last `limit` changing runs, oldest first:
 * counted back from the rows it has now, each run having moved them by its merge's `inserted - deleted`
 * (listSilverChanges). Reads the run store only, so it costs the same for a thousand rows as for a million.
 */
export async function readRowsOverTime(db: CommonQueryMethods, source: string, dataset: string, liveNow: number, limit = 120): Promise<readonly RowsPoint[]> {
  const changes = await listSilverChanges(db, source, dataset, limit);
  const points: RowsPoint[] = [];
  let rows = liveNow;
  for (const change of changes) {
    points.push({ at: change.at, runId: change.run_id, rows, inserted: change.inserted, updated: change.updated, deleted: change.deleted });
    rows -= change.inserted - change.deleted;
  }
  return points.reverse();
}
