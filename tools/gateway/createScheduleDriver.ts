import schedule from 'node-schedule';

import type { ScheduleSpec } from '#orchestrator/schedule/parseSchedule.ts';

/** A scheduled trigger that can be stopped. */
export type ScheduledTrigger = { readonly cancel: () => void };

/** Fires callbacks on schedules; the local gateway takes one so tests can fire schedules by hand. */
export type ScheduleDriver = {
  readonly schedule: (spec: ScheduleSpec, fire: () => void) => ScheduledTrigger;
};

/**
 * The real driver: cron rules through node-schedule in UTC (as the cron-connector runs), `@every`
 * as a fixed interval from the moment the schedule was added (as robfig/cron's @every does).
 * Like the cron-connector it neither skips a firing while the previous call still runs nor
 * replays firings missed while it was not running.
 */
export function createScheduleDriver(): ScheduleDriver {
  return {
    schedule: (spec, fire) => {
      if (spec.kind === 'every') {
        const timer = setInterval(fire, spec.intervalMs);
        return { cancel: () => clearInterval(timer) };
      }
      const job = schedule.scheduleJob({ rule: spec.rule, tz: 'Etc/UTC' }, () => fire());
      return { cancel: () => job?.cancel() };
    },
  };
}
