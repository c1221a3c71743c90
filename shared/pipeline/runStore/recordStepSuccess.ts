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
 * detail. Work that completed counts even when it completed late (idempotent completion): over the
 * orchestrator's verdict on the same attempt (a 504 it gave up on), and over a newer attempt that no
 * invocation runs yet (dispatched, or failed) — that attempt then replays this result instead of working
 * again, and the reconcile tick acts on it. Returns false when the row was not written: a newer attempt
 * is running and will record its own (equal) result.
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
        -- a failure the orchestrator handled (a timeout it gave up on) no longer stands: the tick acts on the success
        handled_attempt = CASE WHEN status = 'failed' THEN NULL ELSE handled_attempt END,
        checkpoint = ${checkpoint}, resume_at = ${resumeAt}, unchanged = ${outcome.unchanged}, detail = ${sql.jsonb(outcome.detail)},
        rows_read = ${counts.read}, rows_inserted = ${counts.inserted}, rows_updated = ${counts.updated},
        rows_closed = ${counts.closed}, rows_deleted = ${counts.deleted}, rows_rejected = ${counts.rejected},
        rows_unchanged = ${counts.unchanged}
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}
      AND (
        (attempt = ${success.attempt} AND status IN ('dispatched', 'running', 'succeeded', 'failed'))
        OR (attempt > ${success.attempt} AND status IN ('dispatched', 'failed'))
      )
    RETURNING attempt`);
  return written !== null;
}
