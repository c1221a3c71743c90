import { createCron } from '#platform/cron/createCron.ts';
import type { Schedule } from '#platform/cron/parseSchedule.ts';

/**
 * The latest time at or before `now` (epoch ms) at which a metadata schedule fires, in UTC: for a cron rule
 * the same match the cron-connector and the local gateway fire at; for `@every <duration>` a multiple of
 * the interval since the epoch, so every orchestrator instance agrees on the slots. Before a rule's first
 * match ever, the epoch.
 */
export function previousScheduleSlot(schedule: Schedule, now: number): Date {
  if (schedule.kind === 'every') {
    return new Date(Math.floor(now / schedule.intervalMs) * schedule.intervalMs);
  }
  // previousRuns answers matches strictly before the reference; a millisecond later includes a match at `now`.
  return createCron(schedule.pattern).previousRuns(1, new Date(now + 1))[0] ?? new Date(0);
}
