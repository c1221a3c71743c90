import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { stepRowSchema, type StepKey, type StepRow } from './stepRow.ts';

/** One step chunk, or null. */
export async function getStep(db: CommonQueryMethods, key: StepKey): Promise<StepRow | null> {
  return db.maybeOne(sql.type(stepRowSchema)`
    SELECT * FROM platform.run_steps WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}`);
}
