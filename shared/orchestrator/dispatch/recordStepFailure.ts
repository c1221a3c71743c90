import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import type { StepKey } from './runRecords.ts';
import type { StepError } from './classifyFailure.ts';

/**
 * Records a chunk's failure and marks the attempt handled; `retryAt` is when the tick dispatches the next
 * attempt (null when none will come: the run fails).
 */
export async function recordStepFailure(tx: DatabaseTransactionConnection, key: StepKey, attempt: number, error: StepError, retryAt: Date | null, now: Date): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE platform.run_steps
    SET status = 'failed', handled_attempt = ${attempt}, error = ${sql.jsonb(error as never)},
        finished_at = coalesce(finished_at, ${sql.timestamp(now)}),
        next_attempt_at = ${retryAt === null ? null : sql.timestamp(retryAt)}
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}`);
}
