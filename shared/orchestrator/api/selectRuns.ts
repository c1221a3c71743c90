import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const runSummaryRow = z.object({
  run_id: z.string(),
  kind: z.string(),
  source: z.string(),
  dataset: z.string(),
  load: z.string().nullable(),
  trigger: z.string(),
  trigger_detail: z.record(z.string(), z.unknown()),
  metadata_version: z.bigint().transform(Number).nullable(),
  status: z.string(),
  skipped_for: z.string().nullable(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  duration_ms: z.number().nullable(),
  error: z.unknown(),
  current_step: z.object({ step: z.string(), chunk: z.number(), attempt: z.number(), status: z.string(), next_attempt_at: z.string().nullable() }).nullable(),
  counts: z.record(z.string(), z.record(z.string(), z.number())),
});
/** One run as `GET /runs` and `dp runs` show it. */
export type RunSummary = z.output<typeof runSummaryRow>;

export type RunFilter = {
  readonly runId?: string;
  readonly source?: string;
  readonly dataset?: string;
  readonly status?: string;
  readonly limit: number;
};

/**
 * Runs, newest first, with the chunk an active run is at and the row counts per step (`counts.silver.inserted`…).
 */
export async function selectRuns(db: CommonQueryMethods, filter: RunFilter): Promise<readonly RunSummary[]> {
  const conditions = [
    ...(filter.runId === undefined ? [] : [sql.fragment`r.run_id = ${filter.runId}`]),
    ...(filter.source === undefined ? [] : [sql.fragment`r.source = ${filter.source}`]),
    ...(filter.dataset === undefined ? [] : [sql.fragment`r.dataset = ${filter.dataset}`]),
    ...(filter.status === undefined ? [] : [sql.fragment`r.status = ${filter.status}`]),
  ];
  const where = conditions.length === 0 ? sql.fragment`` : sql.fragment`WHERE ${sql.join(conditions, sql.fragment` AND `)}`;
  return db.any(sql.type(runSummaryRow)`
    SELECT r.run_id, r.kind, r.source, r.dataset, r.load, r.trigger_kind AS trigger, r.trigger_detail, r.metadata_version,
           r.status, r.skipped_for, r.created_at, r.started_at, r.finished_at,
           (extract(epoch FROM r.finished_at - r.started_at) * 1000)::integer AS duration_ms,
           r.error, current_step.value AS current_step, coalesce(counts.value, '{}'::jsonb) AS counts
    FROM platform.runs AS r
    LEFT JOIN LATERAL (
      SELECT jsonb_build_object('step', s.step, 'chunk', s.chunk, 'attempt', s.attempt, 'status', s.status, 'next_attempt_at', s.next_attempt_at) AS value
      FROM platform.run_steps AS s
      WHERE s.run_id = r.run_id
      ORDER BY array_position(ARRAY['extract', 'bronze', 'silver', 'gold'], s.step) DESC, s.chunk DESC
      LIMIT 1
    ) AS current_step ON r.status IN ('pending', 'running')
    LEFT JOIN LATERAL (
      SELECT jsonb_object_agg(per_step.step, jsonb_build_object(
        'chunks', per_step.chunks, 'read', per_step.read, 'inserted', per_step.inserted, 'updated', per_step.updated,
        'closed', per_step.closed, 'deleted', per_step.deleted, 'rejected', per_step.rejected, 'unchanged', per_step.unchanged)) AS value
      FROM (
        SELECT s.step, count(*) AS chunks, sum(s.rows_read) AS read, sum(s.rows_inserted) AS inserted, sum(s.rows_updated) AS updated,
               sum(s.rows_closed) AS closed, sum(s.rows_deleted) AS deleted, sum(s.rows_rejected) AS rejected, sum(s.rows_unchanged) AS unchanged
        FROM platform.run_steps AS s
        WHERE s.run_id = r.run_id AND s.status = 'succeeded'
        GROUP BY s.step
      ) AS per_step
    ) AS counts ON true
    ${where}
    ORDER BY r.created_at DESC, r.run_id DESC
    LIMIT ${filter.limit}`);
}
