import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { runRowSchema, type RunRow } from './runRow.ts';

/**
 * Reads a run and locks its row until the transaction ends. Every change of a run's progress takes
 * this lock first, so a callback, a tick and a send never decide for the same run at once.
 */
export async function lockRun(tx: DatabaseTransactionConnection, runId: string): Promise<RunRow | null> {
  return tx.maybeOne(sql.type(runRowSchema)`SELECT * FROM platform.runs WHERE run_id = ${runId} FOR UPDATE`);
}
