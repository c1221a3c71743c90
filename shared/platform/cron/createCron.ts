import { Cron } from 'croner';

/**
 * A croner job for a pattern from parseSchedule, read as the cron-connector reads rules: in UTC whatever
 * the machine's zone, 5 fields, day-of-month and day-of-week ORed when both are restricted, and no skipping
 * of a firing while the previous call still runs. With `fire`, it calls `fire` at every match until
 * `stop()`; without, it only answers `nextRun`/`previousRuns`.
 */
export function createCron(pattern: string, fire?: () => void): Cron {
  const options = { timezone: 'UTC', mode: '5-part', domAndDow: false, protect: false } as const;
  return fire === undefined ? new Cron(pattern, options) : new Cron(pattern, options, () => fire());
}
