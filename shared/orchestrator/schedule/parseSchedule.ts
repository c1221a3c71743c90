import schedule from 'node-schedule';

import { ValidationError } from '#platform/errors.ts';
import { parseDuration } from './parseDuration.ts';

/** When a `schedule` annotation fires: a 5-field cron rule (UTC), or a fixed interval (`@every`). */
export type ScheduleSpec =
  | { readonly kind: 'cron'; readonly rule: string }
  | { readonly kind: 'every'; readonly intervalMs: number };

/** The cron-connector's descriptors (robfig/cron) as the 5-field rules node-schedule understands. */
const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELD = /^[0-9A-Za-z*?,/-]+$/;

function invalid(expression: string, why: string): ValidationError {
  return new ValidationError('schedule.invalid', `Schedule ${JSON.stringify(expression)} ${why}; the cron-connector accepts 5 fields (minute hour day-of-month month day-of-week, UTC) or @yearly, @monthly, @weekly, @daily, @hourly, @every <duration>.`, { context: { schedule: expression } });
}

/** True when node-schedule (the parser that will fire it) accepts the rule. */
function nodeScheduleAccepts(rule: string): boolean {
  const job = schedule.scheduleJob({ rule, tz: 'Etc/UTC' }, () => undefined);
  if (job === null) {
    return false;
  }
  job.cancel();
  return true;
}

/**
 * Parses a `schedule` annotation the way the cron-connector does: 5-field cron (no seconds
 * field — a 6-field rule would be refused on faasd, so it is refused here too), the descriptors,
 * and `@every <duration>` (at least one second, like robfig/cron).
 */
export function parseSchedule(expression: string): ScheduleSpec {
  const text = expression.trim();
  const every = /^@every\s+(\S+)$/.exec(text);
  if (every !== null) {
    const ms = parseDuration(every[1]!);
    if (ms === undefined || ms <= 0) {
      throw invalid(expression, 'has an @every without a Go duration such as 90s, 5m or 1h30m');
    }
    return { kind: 'every', intervalMs: Math.max(1000, Math.ceil(ms / 1000) * 1000) };
  }
  if (text.startsWith('@')) {
    const rule = DESCRIPTORS[text.toLowerCase()];
    if (rule === undefined) {
      throw invalid(expression, 'is not a known descriptor');
    }
    return { kind: 'cron', rule };
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    throw invalid(expression, `has ${fields.length} fields instead of 5`);
  }
  if (!fields.every((field) => FIELD.test(field)) || !nodeScheduleAccepts(fields.join(' '))) {
    throw invalid(expression, 'is not a valid cron rule');
  }
  return { kind: 'cron', rule: fields.join(' ') };
}
