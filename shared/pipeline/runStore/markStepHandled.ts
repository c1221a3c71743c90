import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { StepKey } from './stepRow.ts';

/** Marks an attempt's outcome as acted on, without touching what the step recorded. */
export async function markStepHandled(db: CommonQueryMethods, key: StepKey, attempt: number): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE platform.run_steps SET handled_attempt = ${attempt}
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}`);
}
