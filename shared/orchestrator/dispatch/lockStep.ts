import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { stepRecordSchema, type StepKey, type StepRecord } from './runRecords.ts';

/** Reads one step chunk and locks its row until the transaction ends (waiting for a step function's own write). */
export async function lockStep(tx: DatabaseTransactionConnection, key: StepKey): Promise<StepRecord | null> {
  return tx.maybeOne(sql.type(stepRecordSchema)`
    SELECT run_id, step, chunk, status, attempt, handled_attempt, function_name, call_id, dispatched_at, sent_at,
           started_at, next_attempt_at, checkpoint, detail, error, rows_read, rows_inserted, rows_updated,
           rows_closed, rows_deleted, rows_rejected, rows_unchanged
    FROM platform.run_steps
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}
    FOR UPDATE`);
}
