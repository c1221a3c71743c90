import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { ErrorRecord } from './errorRecord.ts';
import type { StepKey } from './stepRow.ts';

/** A step function records that its claimed attempt failed (only while that attempt is still the running one). */
export async function recordStepFailure(db: CommonQueryMethods, key: StepKey, attempt: number, error: ErrorRecord, durationMs: number): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE platform.run_steps
    SET status = 'failed', finished_at = now(), duration_ms = ${durationMs}, error = ${sql.jsonb(error)}
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}
      AND status = 'running' AND attempt = ${attempt}`);
}
