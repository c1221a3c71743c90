import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import type { StepCounts } from '#pipeline/steps.ts';
import { encodeSuperjson } from '#platform/function/superjsonBody.ts';
import type { StepKey } from './runRecords.ts';

export type StepSuccess = {
  readonly attempt: number;
  readonly counts: StepCounts;
  readonly checkpoint: unknown;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly durationMs: number | undefined;
};

/**
 * Records a chunk's successful result from its callback and marks the attempt handled. The step function
 * has usually written the same values already (runStepOnce); what it wrote first stays where it is set.
 */
export async function recordStepSuccess(tx: DatabaseTransactionConnection, key: StepKey, success: StepSuccess, now: Date): Promise<void> {
  const counts = success.counts;
  await tx.query(sql.unsafe`
    UPDATE platform.run_steps
    SET status = 'succeeded', handled_attempt = ${success.attempt}, error = NULL, next_attempt_at = NULL,
        finished_at = coalesce(finished_at, ${sql.timestamp(now)}),
        duration_ms = coalesce(duration_ms, ${success.durationMs ?? null}),
        checkpoint = ${success.checkpoint === undefined ? null : sql.jsonb(encodeSuperjson(success.checkpoint) as never)},
        detail = ${sql.jsonb(success.detail as never)},
        rows_read = ${counts.read}, rows_inserted = ${counts.inserted}, rows_updated = ${counts.updated},
        rows_closed = ${counts.closed}, rows_deleted = ${counts.deleted}, rows_rejected = ${counts.rejected},
        rows_unchanged = ${counts.unchanged}
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}`);
}
