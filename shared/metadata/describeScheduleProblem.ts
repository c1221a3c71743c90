/**
 * Checks a dataset's `trigger.schedule` the way the scheduler will read it, so a typo is caught by
 * `dp metadata validate` instead of silently never firing.
 */

/** Descriptors accepted besides 5-field cron; `@every <n>m|h` is an interval. */
export const SCHEDULE_DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

type Field = { readonly name: string; readonly min: number; readonly max: number; readonly names: readonly string[] };

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59, names: [] },
  { name: 'hour', min: 0, max: 23, names: [] },
  { name: 'day of month', min: 1, max: 31, names: [] },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  // 0 and 7 are both Sunday, as in cron.
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

function parseValue(text: string, field: Field): number | undefined {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    return value >= field.min && value <= field.max ? value : undefined;
  }
  const index = field.names.indexOf(text.toLowerCase());
  if (index < 0) {
    return undefined;
  }
  return field.name === 'month' ? index + 1 : index;
}

function describeFieldProblem(text: string, field: Field): string | undefined {
  for (const part of text.split(',')) {
    const [range, step, ...extra] = part.split('/');
    if (range === undefined || range === '' || extra.length > 0 || (step !== undefined && !/^[1-9]\d*$/.test(step))) {
      return `${field.name} \`${text}\` is not a cron field`;
    }
    if (range === '*') {
      continue;
    }
    const [from, to, ...more] = range.split('-');
    const start = from === undefined ? undefined : parseValue(from, field);
    const end = to === undefined ? start : parseValue(to, field);
    if (more.length > 0 || start === undefined || end === undefined) {
      return `${field.name} \`${part}\` is outside ${field.min}-${field.max}${field.names.length > 0 ? ` (or ${field.names[0]}-${field.names.at(-1)})` : ''}`;
    }
    if (end < start) {
      return `${field.name} range \`${range}\` runs backwards`;
    }
  }
  return undefined;
}

/** Returns what is wrong with a schedule (5-field cron in UTC, a descriptor or `@every <n>m|h`), or undefined when it is valid. */
export function describeScheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (text.startsWith('@')) {
    if ((SCHEDULE_DESCRIPTORS as readonly string[]).includes(text)) {
      return undefined;
    }
    const every = /^@every\s+([1-9]\d*)(m|h)$/.exec(text);
    if (every !== null) {
      return undefined;
    }
    return `\`${text}\` is not a known descriptor; use ${SCHEDULE_DESCRIPTORS.join(', ')} or @every <n>m / @every <n>h`;
  }
  const parts = text.split(/\s+/);
  if (parts.length !== 5) {
    return `\`${text}\` has ${parts.length} field(s); a cron schedule has 5: minute hour day-of-month month day-of-week (UTC)`;
  }
  for (const [index, field] of FIELDS.entries()) {
    const problem = describeFieldProblem(parts[index] ?? '', field);
    if (problem !== undefined) {
      return `${problem}; the 5 fields are minute hour day-of-month month day-of-week (UTC)`;
    }
  }
  return undefined;
}
