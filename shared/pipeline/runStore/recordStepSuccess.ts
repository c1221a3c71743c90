import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { encodeSuperjson } from '#platform/function/superjsonBody.ts';
import type { StepOutcome } from '../steps.ts';
import type { StepKey } from './stepRow.ts';

export type StepSuccess = {
  /** The attempt that succeeded; a row already on a newer attempt is left alone. */
  readonly attempt: number;
  readonly outcome: StepOutcome;
  /** Milliseconds the chunk took; null when unknown. */
  readonly durationMs: number | null;
  readonly finishedAt: Date;
};

/**
 * Records a chunk's outcome as `succeeded`: checkpoint (superjson), resume time, `unchanged`, counts and
 * detail. Only for the attempt the row is on, and never over a failure of that attempt. Returns false when
 * the row was not written (a newer attempt holds it).
 */
export async function recordStepSuccess(db: CommonQueryMethods, key: StepKey, success: StepSuccess): Promise<boolean> {
  const { outcome } = success;
  const { counts } = outcome;
  const checkpoint = outcome.status === 'continue' ? sql.jsonb(encodeSuperjson(outcome.checkpoint)) : null;
  const resumeAt = outcome.status === 'continue' && outcome.resumeAt !== undefined ? sql.timestamp(new Date(outcome.resumeAt)) : null;
  const written = await db.maybeOne(sql.type(z.object({ attempt: z.number().int() }))`
    UPDATE platform.run_steps
    SET status = 'succeeded', finished_at = ${sql.timestamp(success.finishedAt)}, duration_ms = ${success.durationMs},
        error = NULL, next_attempt_at = NULL,
        checkpoint = ${checkpoint}, resume_at = ${resumeAt}, unchanged = ${outcome.unchanged}, detail = ${sql.jsonb(outcome.detail)},
        rows_read = ${counts.read}, rows_inserted = ${counts.inserted}, rows_updated = ${counts.updated},
        rows_closed = ${counts.closed}, rows_deleted = ${counts.deleted}, rows_rejected = ${counts.rejected},
        rows_unchanged = ${counts.unchanged}
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}
      AND attempt = ${success.attempt} AND status IN ('dispatched', 'running', 'succeeded')
    RETURNING attempt`);
  return written !== null;
}
