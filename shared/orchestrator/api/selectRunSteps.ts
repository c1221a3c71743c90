import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const stepRow = z.object({
  step: z.string(),
  chunk: z.number(),
  status: z.string(),
  attempt: z.number(),
  function: z.string().nullable(),
  call_id: z.string().nullable(),
  dispatched_at: z.date(),
  sent_at: z.date().nullable(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  duration_ms: z.number().nullable(),
  next_attempt_at: z.date().nullable(),
  has_checkpoint: z.boolean(),
  counts: z.record(z.string(), z.number()),
  detail: z.record(z.string(), z.unknown()),
  error: z.unknown(),
});
/** One step chunk of a run as `GET /runs/<id>` shows it. */
export type RunStepView = z.output<typeof stepRow>;

/** A run's step chunks in pipeline order. */
export async function selectRunSteps(db: CommonQueryMethods, runId: string): Promise<readonly RunStepView[]> {
  return db.any(sql.type(stepRow)`
    SELECT step, chunk, status, attempt, function_name AS function, call_id, dispatched_at, sent_at, started_at, finished_at,
           duration_ms, next_attempt_at, checkpoint IS NOT NULL AS has_checkpoint,
           jsonb_build_object('read', rows_read, 'inserted', rows_inserted, 'updated', rows_updated, 'closed', rows_closed,
                              'deleted', rows_deleted, 'rejected', rows_rejected, 'unchanged', rows_unchanged) AS counts,
           detail, error
    FROM platform.run_steps
    WHERE run_id = ${runId}
    ORDER BY array_position(ARRAY['extract', 'bronze', 'silver', 'gold'], step), chunk`);
}
