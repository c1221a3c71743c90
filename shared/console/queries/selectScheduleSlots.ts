import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const slotRow = z.object({
  source: z.string(),
  dataset: z.string(),
  schedule: z.string(),
  last_slot_at: z.date(),
  last_run_id: z.string().nullable(),
});
/** The latest slot the tick started for a dataset's metadata schedule. */
export type ScheduleSlotView = z.output<typeof slotRow>;

/** Every dataset schedule slot the tick has claimed. */
export async function selectScheduleSlots(db: CommonQueryMethods): Promise<readonly ScheduleSlotView[]> {
  return db.any(sql.type(slotRow)`
    SELECT source, dataset, schedule, last_slot_at, last_run_id FROM platform.schedule_slots ORDER BY source, dataset`);
}
