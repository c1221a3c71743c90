import { z } from 'zod';

import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import type { ScheduleSlot } from './resetScheduleSlot.ts';

/**
 * Moves a dataset's schedule to `slot` when that slot is newer than the last one started, and names the run
 * it starts. True when this call claimed the slot: one run, however many slots were missed since.
 */
export async function claimScheduleSlot(tx: DatabaseTransactionConnection, slot: ScheduleSlot, runId: string, now: Date): Promise<boolean> {
  const claimed = await tx.maybeOne(sql.type(z.object({ source: z.string() }))`
    UPDATE platform.schedule_slots
    SET last_slot_at = ${sql.timestamp(slot.slot)}, last_run_id = ${runId}, updated_at = ${sql.timestamp(now)}
    WHERE source = ${slot.source} AND dataset = ${slot.dataset} AND schedule = ${slot.schedule}
      AND last_slot_at < ${sql.timestamp(slot.slot)}
    RETURNING source`);
  return claimed !== null;
}
