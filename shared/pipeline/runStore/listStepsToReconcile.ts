import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { STEP_NAMES } from '../pipeline.ts';
import type { StepKey } from './stepRow.ts';

const keyRow = z.object({ run_id: z.string(), step: z.enum(STEP_NAMES), chunk: z.number().int() });

export type ReconcileQuery = {
  readonly now: Date;
  /** A sent attempt without outcome older than this is overdue. */
  readonly overdueBefore: Date;
  readonly limit: number;
};

/**
 * Chunks of running runs the tick must look at: an outcome the step recorded but no callback reported
 * (succeeded or failed, not handled), a sent attempt whose callback is overdue, and a failed attempt whose
 * backoff has passed. The tick re-reads each under lock before acting.
 */
export async function listStepsToReconcile(db: CommonQueryMethods, query: ReconcileQuery): Promise<readonly StepKey[]> {
  const rows = await db.any(sql.type(keyRow)`
    SELECT s.run_id, s.step, s.chunk
    FROM platform.run_steps AS s
    JOIN platform.runs AS r USING (run_id)
    WHERE r.status = 'running' AND (
      (s.handled_attempt IS DISTINCT FROM s.attempt AND (
        s.status IN ('succeeded', 'failed')
        OR (s.status = 'running' AND coalesce(s.sent_at, s.dispatched_at) < ${sql.timestamp(query.overdueBefore)})
        OR (s.status = 'dispatched' AND s.sent_at < ${sql.timestamp(query.overdueBefore)})))
      OR (s.handled_attempt = s.attempt AND s.status = 'failed' AND s.next_attempt_at <= ${sql.timestamp(query.now)})
    )
    ORDER BY s.dispatched_at
    LIMIT ${query.limit}`);
  return rows.map((row) => ({ runId: row.run_id, step: row.step, chunk: row.chunk }));
}
