import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { stepRowSchema, type StepRow } from './runRecords.ts';

/** Every step chunk of a run, in the order they were dispatched. */
export async function listRunSteps(connection: CommonQueryMethods, runId: string): Promise<readonly StepRow[]> {
  return connection.any(sql.type(stepRowSchema)`
    SELECT * FROM platform.run_steps WHERE run_id = ${runId} ORDER BY dispatched_at, step, chunk`);
}
