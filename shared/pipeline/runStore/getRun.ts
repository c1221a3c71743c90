import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { runRowSchema, type RunRow } from './runRow.ts';

/** The run with this id, or null. */
export async function getRun(db: CommonQueryMethods, runId: string): Promise<RunRow | null> {
  return db.maybeOne(sql.type(runRowSchema)`SELECT * FROM platform.runs WHERE run_id = ${runId}`);
}
