import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const consoleRunRow = z.object({
  run_id: z.string(),
  kind: z.string(),
  source: z.string(),
  dataset: z.string(),
  trigger: z.string(),
  trigger_detail: z.record(z.string(), z.unknown()),
  status: z.string(),
  skipped_for: z.string().nullable(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  error: z.unknown(),
  /** Step chunks, and attempts beyond the first over all chunks. */
  chunks: z.number(),
  retries: z.number(),
  /** Row counts of the run's last step that counted something: silver's changes, gold's rows. */
  counts: z.record(z.string(), z.union([z.number(), z.string()])).nullable(),
});
/** A run as the console's run lists show it. */
export type ConsoleRun = z.output<typeof consoleRunRow>;

export type ConsoleRunFilter = {
  readonly source?: string;
  readonly dataset?: string;
  readonly status?: string;
  readonly trigger?: string;
  readonly limit: number;
};

/** The newest runs matching the filter, newest first, with their chunk and retry counts and their last step's counts. */
export async function selectConsoleRuns(db: CommonQueryMethods, filter: ConsoleRunFilter): Promise<readonly ConsoleRun[]> {
  const conditions = [
    ...(filter.source === undefined ? [] : [sql.fragment`r.source = ${filter.source}`]),
    ...(filter.dataset === undefined ? [] : [sql.fragment`r.dataset = ${filter.dataset}`]),
    ...(filter.status === undefined ? [] : [sql.fragment`r.status = ${filter.status}`]),
    ...(filter.trigger === undefined ? [] : [sql.fragment`r.trigger_kind = ${filter.trigger}`]),
  ];
  const where = conditions.length === 0 ? sql.fragment`` : sql.fragment`WHERE ${sql.join(conditions, sql.fragment` AND `)}`;
  return db.any(sql.type(consoleRunRow)`
    SELECT r.run_id, r.kind, r.source, r.dataset, r.trigger_kind AS trigger, r.trigger_detail, r.status, r.skipped_for,
           r.created_at, r.started_at, r.finished_at, r.error,
           coalesce(steps.chunks, 0)::int AS chunks, coalesce(steps.retries, 0)::int AS retries, last_step.counts
    FROM (SELECT * FROM platform.runs AS r ${where} ORDER BY r.created_at DESC, r.run_id DESC LIMIT ${filter.limit}) AS r
    LEFT JOIN LATERAL (
      SELECT count(*) AS chunks, sum(s.attempt - 1) AS retries FROM platform.run_steps AS s WHERE s.run_id = r.run_id
    ) AS steps ON true
    LEFT JOIN LATERAL (
      SELECT jsonb_build_object('step', s.step, 'read', sum(s.rows_read), 'inserted', sum(s.rows_inserted), 'updated', sum(s.rows_updated),
                                'closed', sum(s.rows_closed), 'deleted', sum(s.rows_deleted), 'rejected', sum(s.rows_rejected),
                                'unchanged', sum(s.rows_unchanged)) AS counts
      FROM platform.run_steps AS s
      WHERE s.run_id = r.run_id AND s.status = 'succeeded' AND s.step IN ('silver', 'gold')
      GROUP BY s.step
      LIMIT 1
    ) AS last_step ON true
    ORDER BY r.created_at DESC, r.run_id DESC`);
}
