import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Live rows (current, not deleted) and versions kept, just after one run changed the table. */
export type RowsPoint = { readonly at: Date; readonly rows: number; readonly versions: number };

/**
 * The live rows of a silver table over time, read from its own history in one scan: every version counts
 * from its `_valid_from` until its `_valid_to` (tombstones never count), so the step after each run boundary
 * is exact. The last `limit` points, oldest first. Empty when the table does not exist.
 */
export async function selectRowsOverTime(db: CommonQueryMethods, table: string, limit = 120): Promise<readonly RowsPoint[]> {
  const present = await db.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass(${`silver.${JSON.stringify(table)}`}) IS NOT NULL AS present`);
  if (!present) return [];
  const silver = sql.identifier(['silver', table]);
  const rows = await db.any(sql.type(z.object({ at: z.date(), rows: z.number(), versions: z.number() }))`
    SELECT at, rows::int AS rows, versions::int AS versions FROM (
      SELECT at, sum(live) OVER (ORDER BY at) AS rows, sum(added) OVER (ORDER BY at) AS versions
      FROM (
        SELECT at, sum(live) AS live, sum(added) AS added FROM (
          SELECT _valid_from AS at, CASE WHEN _is_deleted THEN 0 ELSE 1 END AS live, 1 AS added FROM ${silver}
          UNION ALL
          SELECT _valid_to, -1, 0 FROM ${silver} WHERE _valid_to IS NOT NULL AND NOT _is_deleted
        ) AS changes
        GROUP BY at
      ) AS per_boundary
      ORDER BY at DESC
      LIMIT ${limit}
    ) AS newest
    ORDER BY at`);
  return rows;
}
