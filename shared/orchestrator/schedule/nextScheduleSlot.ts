import cronParser from 'cron-parser';

import { parseSchedule } from './parseSchedule.ts';

/**
 * The first time after `now` (epoch ms) at which a schedule fires, in UTC, read as the cron-connector reads it
 * (parseSchedule); `@every <duration>` fires on multiples of the interval since the epoch (previousScheduleSlot).
 */
export function nextScheduleSlot(expression: string, now: number): Date {
  const spec = parseSchedule(expression);
  if (spec.kind === 'every') {
    return new Date((Math.floor(now / spec.intervalMs) + 1) * spec.intervalMs);
  }
  return cronParser.parseExpression(spec.rule, { currentDate: new Date(now), tz: 'UTC' }).next().toDate();
}
