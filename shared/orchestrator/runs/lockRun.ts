import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { runRecordSchema, type RunRecord } from '../dispatch/runRecords.ts';

/**
 * Reads a run and locks its row until the transaction ends. Every change of a run's progress takes
 * this lock first, so a callback, a tick and a send never decide for the same run at once.
 */
export async function lockRun(tx: DatabaseTransactionConnection, runId: string): Promise<RunRecord | null> {
  return tx.maybeOne(sql.type(runRecordSchema)`
    SELECT run_id, kind, source, dataset, load, status, metadata_version, trigger_kind
    FROM platform.runs
    WHERE run_id = ${runId}
    FOR UPDATE`);
}
