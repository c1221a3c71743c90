/**
 * The platform's one reading of a schedule: `stack.yml` `schedule` annotations (fired by the cron-connector
 * on faasd, by the local gateway here) and datasets' `trigger.schedule` (the orchestrator's tick) go through
 * `parseSchedule`, and the times come from croner (createCron.ts) fed with what this file produced.
 *
 * The grammar is the cron-connector's: openfaas/cron-connector 0.7.0 parses with robfig/cron v3.0.1's
 * `NewParser(Minute | Hour | Dom | Month | Dow | Descriptor)`, so this file accepts exactly what that
 * parser accepts (docs/triggers.md lists it), and refuses the rest with the reason.
 */
import { ValidationError } from '../errors.ts';
import { createCron } from './createCron.ts';
import { parseGoDuration } from './parseGoDuration.ts';

/**
 * A cron rule in UTC. `pattern` is the rule rewritten for croner with every field spelt out: `*` where
 * robfig/cron sees a wildcard (it decides whether day-of-month and day-of-week are ANDed or ORed), else
 * the explicit list of values, so croner cannot read any field differently from the cron-connector.
 */
export type CronSchedule = { readonly kind: 'cron'; readonly text: string; readonly pattern: string };
/** `@every <duration>`: a fixed interval, in whole seconds and at least one, as robfig/cron rounds it. */
export type EverySchedule = { readonly kind: 'every'; readonly text: string; readonly intervalMs: number };
export type Schedule = CronSchedule | EverySchedule;

/** What every schedule error ends with: the forms that are accepted. */
export const ACCEPTED_SCHEDULES =
  'a schedule is 5 cron fields in UTC (minute hour day-of-month month day-of-week, e.g. `0 6 * * *`), @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or `@every <Go duration>` (e.g. `@every 30m`)';

const DESCRIPTORS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

type Field = { readonly name: string; readonly min: number; readonly max: number; readonly names: readonly string[]; readonly firstName: number };

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59, names: [], firstName: 0 },
  { name: 'hour', min: 0, max: 23, names: [], firstName: 0 },
  { name: 'day of month', min: 1, max: 31, names: [], firstName: 0 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'], firstName: 1 },
  // 0-6 only: robfig/cron refuses 7 for Sunday.
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], firstName: 0 },
];

// Go's unicode.IsSpace, which strings.Fields and strings.TrimSpace split and trim on (JavaScript's \s also has U+FEFF).
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const FIELD_SEPARATOR = new RegExp(`[${GO_SPACE}]+`);
const EDGE_SPACE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

/** Zones `time.LoadLocation` finds in the cron-connector's image, which carries no time-zone database. */
const LOADABLE_ZONES = new Set(['', 'UTC', 'Local']);

const MAX_INT64 = (1n << 63n) - 1n;

class ScheduleProblem extends Error {}

/** Go's strconv.Atoi (an int64, optionally signed) followed by robfig's "no negative numbers". */
function parseNumber(text: string, field: Field, part: string): number {
  if (!/^[+-]?\d+$/.test(text) || text.startsWith('-') || BigInt(text) > MAX_INT64) {
    throw new ScheduleProblem(`${field.name} \`${part}\`: \`${text}\` is not a number${field.names.length > 0 ? ` or a name (${field.names[0]}-${field.names.at(-1)})` : ''}`);
  }
  return Number(text);
}

function parseValue(text: string, field: Field, part: string): number {
  // Go's strings.ToLower turns U+0130 (İ) into a plain i; JavaScript adds a combining dot.
  const named = field.names.indexOf(text.replaceAll('\u0130', 'i').toLowerCase());
  return named >= 0 ? named + field.firstName : parseNumber(text, field, part);
}

/** One field, as robfig/cron's getField reads it: the values it selects, and whether it counts as a wildcard. */
function parseField(text: string, field: Field): { readonly values: ReadonlySet<number>; readonly wildcard: boolean } {
  const values = new Set<number>();
  let wildcard = false;
  // Empty list items are skipped, as strings.FieldsFunc does.
  for (const part of text.split(',').filter((item) => item !== '')) {
    const rangeAndStep = part.split('/');
    if (rangeAndStep.length > 2) throw new ScheduleProblem(`${field.name} \`${part}\` has more than one /`);
    const bounds = rangeAndStep[0]!.split('-');
    let start: number;
    let end: number;
    let star = false;
    if (bounds[0] === '*' || bounds[0] === '?') {
      // robfig/cron ignores whatever follows a `*-` or `?-`.
      [start, end, star] = [field.min, field.max, true];
    } else {
      if (bounds.length > 2) throw new ScheduleProblem(`${field.name} \`${part}\` has more than one -`);
      start = parseValue(bounds[0]!, field, part);
      end = bounds.length === 2 ? parseValue(bounds[1]!, field, part) : start;
    }
    let step = 1;
    if (rangeAndStep.length === 2) {
      step = parseNumber(rangeAndStep[1]!, field, part);
      // `5/15` means `5-max/15`.
      if (bounds.length === 1) end = field.max;
      if (step > 1) star = false;
    }
    const range = `${field.min}-${field.max}${field.names.length > 0 ? ` (or ${field.names[0]}-${field.names.at(-1)})` : ''}`;
    if (start < field.min || end > field.max) throw new ScheduleProblem(`${field.name} \`${part}\` is outside ${range}`);
    if (start > end) throw new ScheduleProblem(`${field.name} range \`${part}\` runs backwards`);
    if (step === 0) throw new ScheduleProblem(`${field.name} \`${part}\` has a step of 0`);
    for (let value = start; value <= end; value += step) values.add(value);
    wildcard ||= star;
  }
  return { values, wildcard };
}

function parseRule(text: string): string {
  if (text.startsWith('@')) {
    const descriptor = DESCRIPTORS[text];
    if (descriptor === undefined) throw new ScheduleProblem(`\`${text}\` is not a known descriptor (they are written in lower case, with nothing after them)`);
    return descriptor;
  }
  const fields = text.split(FIELD_SEPARATOR).filter((item) => item !== '');
  if (fields.length !== 5) throw new ScheduleProblem(`has ${fields.length} field${fields.length === 1 ? '' : 's'} instead of 5 (there is no seconds field)`);
  return fields
    .map((field, index) => {
      const { values, wildcard } = parseField(field, FIELDS[index]!);
      if (wildcard) return '*';
      if (values.size === 0) throw new ScheduleProblem(`${FIELDS[index]!.name} \`${field}\` selects no value`);
      return [...values].sort((a, b) => a - b).join(',');
    })
    .join(' ');
}

function parseEvery(text: string, duration: string): EverySchedule {
  const nanoseconds = parseGoDuration(duration);
  if (nanoseconds === undefined) {
    throw new ScheduleProblem(`\`@every ${duration}\` needs a Go duration such as 90s, 5m or 1h30m`);
  }
  // robfig/cron runs anything under a second every second, and drops the part below a second.
  const seconds = nanoseconds < 1_000_000_000n ? 1n : nanoseconds / 1_000_000_000n;
  return { kind: 'every', text, intervalMs: Number(seconds) * 1000 };
}

function read(text: string): Schedule {
  if (text === '') throw new ScheduleProblem('is empty');
  let rule = text;
  if (text.startsWith('TZ=') || text.startsWith('CRON_TZ=')) {
    const space = text.indexOf(' ');
    if (space < 0) throw new ScheduleProblem('has a time-zone prefix and no rule after it');
    const zone = text.slice(text.indexOf('=') + 1, space);
    if (!LOADABLE_ZONES.has(zone)) {
      throw new ScheduleProblem(`names the time zone \`${zone}\`, which the cron-connector cannot load (its image has no time-zone database, so only UTC works): write the rule in UTC without the prefix`);
    }
    rule = text.slice(space).replace(EDGE_SPACE, '');
  }
  if (rule.startsWith('@every ')) return parseEvery(text, rule.slice('@every '.length));
  const pattern = parseRule(rule);
  // robfig/cron accepts a rule that never fires (`0 0 30 2 *`): the function would silently never run.
  if (createCron(pattern).nextRun(new Date(Date.UTC(2000, 0, 1))) === null) {
    throw new ScheduleProblem('never fires (no date matches it)');
  }
  return { kind: 'cron', text, pattern };
}

/**
 * Parses a schedule as the cron-connector does — 5 fields (no seconds), names for months and days, `*`,
 * `?`, ranges, lists and steps; @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly;
 * `@every <Go duration>`; an optional `TZ=UTC `/`CRON_TZ=UTC ` prefix — in UTC. Throws `schedule.invalid`
 * naming the part that is wrong, with `problem` (the reason alone) in its context.
 */
export function parseSchedule(text: string): Schedule {
  try {
    return read(text);
  } catch (error) {
    if (!(error instanceof ScheduleProblem)) throw error;
    throw new ValidationError('schedule.invalid', `Schedule \`${text}\`: ${error.message}; ${ACCEPTED_SCHEDULES}.`, {
      context: { schedule: text, problem: error.message },
    });
  }
}
