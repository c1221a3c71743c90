import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Rows of a silver table: current (the live versions, tombstones excluded) and total (every version). */
export type SilverRowCounts = { readonly current: number; readonly total: number };

/** Counts a silver table's rows, or null when the table does not exist yet (no run has reached silver). */
export async function countSilverRows(db: CommonQueryMethods, table: string): Promise<SilverRowCounts | null> {
  const exists = await db.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass(${`silver.${JSON.stringify(table)}`}) IS NOT NULL AS present`);
  if (!exists) return null;
  const row = await db.one(sql.type(z.object({ current: z.bigint(), total: z.bigint() }))`
    SELECT count(*) FILTER (WHERE _is_current AND NOT _is_deleted) AS current, count(*) AS total
    FROM ${sql.identifier(['silver', table])}`);
  return { current: Number(row.current), total: Number(row.total) };
}
