import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { StepKey } from './stepRow.ts';

/** Keeps the gateway's call id of a sent attempt (only if the row is still on that attempt). */
export async function recordSendReceipt(db: CommonQueryMethods, key: StepKey, attempt: number, callId: string): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE platform.run_steps SET call_id = ${callId}
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk} AND attempt = ${attempt}`);
}
