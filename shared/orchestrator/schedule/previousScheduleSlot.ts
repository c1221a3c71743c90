import cronParser from 'cron-parser';

import { parseSchedule } from './parseSchedule.ts';

/**
 * The latest time at or before `now` (epoch ms) at which a metadata schedule fires, in UTC. Cron rules and
 * descriptors are read as the cron-connector reads them (parseSchedule); `@every <duration>` fires on
 * multiples of the interval since the epoch, so every orchestrator instance agrees on the slots.
 */
export function previousScheduleSlot(expression: string, now: number): Date {
  const spec = parseSchedule(expression);
  if (spec.kind === 'every') {
    return new Date(Math.floor(now / spec.intervalMs) * spec.intervalMs);
  }
  // prev() answers the latest match strictly before currentDate; a second later includes a slot at `now` itself.
  const expressionAt = cronParser.parseExpression(spec.rule, { currentDate: new Date(Math.floor(now / 1000) * 1000 + 1000), tz: 'UTC' });
  return expressionAt.prev().toDate();
}
