import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const changeRow = z.object({
  run_id: z.string(),
  at: z.date(),
  inserted: z.bigint().transform(Number),
  updated: z.bigint().transform(Number),
  deleted: z.bigint().transform(Number),
});
/** What one run's silver merge changed: keys that became live (new or revived), changed, or became tombstones. */
export type SilverChange = z.output<typeof changeRow>;

/**
 * The newest `limit` runs of a dataset whose silver step committed a change, newest first, with its counts (all
 * chunks added up) and its boundary. The merge records its counts in its own transaction, so these are exactly
 * what silver holds: each run moved the live rows by `inserted - deleted`. Walks the dataset's runs newest first
 * through the index and stops at `limit`, so older runs cost nothing.
 */
export async function listSilverChanges(db: CommonQueryMethods, source: string, dataset: string, limit: number): Promise<readonly SilverChange[]> {
  return db.any(sql.type(changeRow)`
    SELECT r.run_id, coalesce(r.boundary_at, r.finished_at, r.created_at) AS at, c.inserted, c.updated, c.deleted
    FROM platform.runs AS r
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(s.rows_inserted), 0)::bigint AS inserted, coalesce(sum(s.rows_updated), 0)::bigint AS updated,
             coalesce(sum(s.rows_deleted), 0)::bigint AS deleted, coalesce(sum(s.rows_closed), 0)::bigint AS closed
      FROM platform.run_steps AS s
      WHERE s.run_id = r.run_id AND s.step = 'silver' AND s.status = 'succeeded'
    ) AS c
    WHERE r.kind = 'dataset' AND r.source = ${source} AND r.dataset = ${dataset}
      AND c.inserted + c.updated + c.deleted + c.closed > 0
    ORDER BY r.created_at DESC, r.run_id DESC
    LIMIT ${limit}`);
}
