import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';

export type ScheduleSlot = {
  readonly source: string;
  readonly dataset: string;
  /** The schedule as written in metadata. */
  readonly schedule: string;
  /** The latest slot at or before now. */
  readonly slot: Date;
};

/**
 * Starts counting a dataset's schedule: the first time the tick sees it, or after the schedule changed,
 * the current slot becomes the last one, so only slots after that start runs (as cron would).
 */
export async function resetScheduleSlot(tx: DatabaseTransactionConnection, slot: ScheduleSlot, now: Date): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO platform.schedule_slots (source, dataset, schedule, last_slot_at, updated_at)
    VALUES (${slot.source}, ${slot.dataset}, ${slot.schedule}, ${sql.timestamp(slot.slot)}, ${sql.timestamp(now)})
    ON CONFLICT (source, dataset) DO UPDATE
      SET schedule = EXCLUDED.schedule, last_slot_at = EXCLUDED.last_slot_at, updated_at = EXCLUDED.updated_at
      WHERE schedule_slots.schedule <> EXCLUDED.schedule`);
}
