import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const rejectRow = z.object({
  run_id: z.string(),
  key: z.unknown(),
  /** `extract` (the record could not be read) or `silver` (a value did not cast). */
  layer: z.string(),
  /** Null for an extract reject, which concerns the whole record. */
  column_name: z.string().nullable(),
  /** 1-based line in the file the record came from, when it came from a file. */
  line: z.number().nullable(),
  value: z.string().nullable(),
  reason: z.string(),
  origin: z.string().nullable(),
  created_at: z.date(),
});
/** A value that did not cast, as the console lists it. */
export type RejectView = z.output<typeof rejectRow>;

/** The newest rejects of a dataset (of one run, when given), newest first, and how many there are in all. */
export async function selectRejects(db: CommonQueryMethods, filter: { readonly source: string; readonly dataset: string; readonly runId?: string; readonly limit: number }): Promise<{ readonly total: number; readonly rows: readonly RejectView[] }> {
  const run = filter.runId === undefined ? sql.fragment`` : sql.fragment`AND run_id = ${filter.runId}`;
  const total = await db.oneFirst(sql.type(z.object({ total: z.number() }))`
    SELECT count(*)::int AS total FROM platform.rejects WHERE source = ${filter.source} AND dataset = ${filter.dataset} ${run}`);
  const rows = total === 0 ? [] : await db.any(sql.type(rejectRow)`
    SELECT run_id, key, layer, column_name, line, value, reason, origin, created_at
    FROM platform.rejects
    WHERE source = ${filter.source} AND dataset = ${filter.dataset} ${run}
    ORDER BY created_at DESC, reject_id DESC
    LIMIT ${filter.limit}`);
  return { total, rows };
}
