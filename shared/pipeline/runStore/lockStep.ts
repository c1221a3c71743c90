import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { stepRowSchema, type StepKey, type StepRow } from './stepRow.ts';

/** Reads one step chunk and locks its row until the transaction ends (waiting for a step function's own write). */
export async function lockStep(tx: DatabaseTransactionConnection, key: StepKey): Promise<StepRow | null> {
  return tx.maybeOne(sql.type(stepRowSchema)`
    SELECT * FROM platform.run_steps WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}
    FOR UPDATE`);
}
