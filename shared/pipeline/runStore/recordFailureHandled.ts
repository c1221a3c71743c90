import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { ErrorRecord } from './errorRecord.ts';
import type { StepKey } from './stepRow.ts';

/**
 * The orchestrator's decision on a failed attempt: the chunk is `failed` with its error, the attempt handled,
 * and `retryAt` is when the tick dispatches the next attempt (null when none will come: the run fails).
 */
export async function recordFailureHandled(db: CommonQueryMethods, key: StepKey, attempt: number, error: ErrorRecord, retryAt: Date | null, now: Date): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE platform.run_steps
    SET status = 'failed', handled_attempt = ${attempt}, error = ${sql.jsonb(error)},
        finished_at = coalesce(finished_at, ${sql.timestamp(now)}),
        next_attempt_at = ${retryAt === null ? null : sql.timestamp(retryAt)}
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}`);
}
