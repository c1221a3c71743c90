import { createCron } from '#platform/cron/createCron.ts';
import type { Schedule } from '#platform/cron/parseSchedule.ts';

/** A scheduled trigger that can be stopped. */
export type ScheduledTrigger = { readonly cancel: () => void };

/** Fires callbacks on schedules; the local gateway takes one so tests can fire schedules by hand. */
export type ScheduleDriver = {
  readonly schedule: (schedule: Schedule, fire: () => void) => ScheduledTrigger;
};

/**
 * The real driver: cron rules through croner in UTC, at the times the orchestrator's catch-up and the
 * cron-connector compute; `@every` as a fixed interval from the moment the schedule was added (as
 * robfig/cron's @every does). Like the cron-connector it neither skips a firing while the previous call
 * still runs nor replays firings missed while it was not running.
 */
export function createScheduleDriver(): ScheduleDriver {
  return {
    schedule: (schedule, fire) => {
      if (schedule.kind === 'every') {
        const timer = setInterval(fire, schedule.intervalMs);
        return { cancel: () => clearInterval(timer) };
      }
      const job = createCron(schedule.pattern, fire);
      return { cancel: () => job.stop() };
    },
  };
}
