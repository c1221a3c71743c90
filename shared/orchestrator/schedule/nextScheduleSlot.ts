import { createCron } from '#platform/cron/createCron.ts';
import type { Schedule } from '#platform/cron/parseSchedule.ts';

/**
 * The first time after `now` (epoch ms) at which a schedule fires, in UTC: for a cron rule the next match the
 * cron-connector and the local gateway fire at; for `@every <duration>` the next multiple of the interval since
 * the epoch (the slots of previousScheduleSlot). Null for a rule that never matches again.
 */
export function nextScheduleSlot(schedule: Schedule, now: number): Date | null {
  if (schedule.kind === 'every') {
    return new Date((Math.floor(now / schedule.intervalMs) + 1) * schedule.intervalMs);
  }
  return createCron(schedule.pattern).nextRun(new Date(now));
}
