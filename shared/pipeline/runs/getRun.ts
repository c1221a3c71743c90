import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { runRowSchema, type RunRow } from './runRecords.ts';

/** The run with this id, or null. */
export async function getRun(connection: CommonQueryMethods, runId: string): Promise<RunRow | null> {
  return connection.maybeOne(sql.type(runRowSchema)`SELECT * FROM platform.runs WHERE run_id = ${runId}`);
}
