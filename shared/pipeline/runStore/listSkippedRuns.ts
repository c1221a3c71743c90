import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { runRowSchema, type RunRow } from './runRow.ts';

/** The triggers recorded as skipped because `runId` was active, oldest first. */
export async function listSkippedRuns(db: CommonQueryMethods, runId: string): Promise<readonly RunRow[]> {
  return db.any(sql.type(runRowSchema)`
    SELECT * FROM platform.runs WHERE skipped_for = ${runId} AND status = 'skipped' ORDER BY created_at, run_id`);
}
