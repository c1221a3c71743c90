/**
 * Validation and run time against the real thing: every schedule here goes through the cron-connector's own
 * parser (robfig/cron v3.0.1 with the connector's options, built from tools/services/cronref) and through the
 * platform's — metadata validation, the stack check, the local gateway's timer (croner, via createCron) and the
 * orchestrator's catch-up (previousScheduleSlot) — and every answer must agree: the same schedules accepted, the
 * same firing times.
 */
import { spawnSync } from 'node:child_process';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { datasetTriggerSchema } from '#metadata/schema.ts';
import { createCron } from '#platform/cron/createCron.ts';
import { parseSchedule, type Schedule } from '#platform/cron/parseSchedule.ts';
import { getEnv } from '#platform/env.ts';
import { isPlatformError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { previousScheduleSlot } from '#orchestrator/schedule/previousScheduleSlot.ts';
import { parseStack } from '#tools/gateway/parseStack.ts';
import { validateStack } from '#tools/gateway/validateStack.ts';
import { buildGoLauncher } from '#tools/services/buildGoLauncher.ts';

type Answer = { readonly accepted: boolean; readonly error?: string; readonly next: readonly string[] };

/** Schedules people write, and the corners of robfig/cron's grammar. */
const CURATED = [
  '* * * * *', '*/15 * * * *', '0 6 * * *', '0 8-18/2 * * mon-fri', '30 4 1,15 jan,jul 0', '0 0 * * 7', '0 0 * * 5-1',
  '0 0 1 * mon', '0 0 1-31 * 4', '0 0 */2 * 1', '0 0 */1 * sat', '0 0 ? * mon', '0 0 1 * ?', '? ? ? ? ?', '5/15 * * * *',
  '*-5 * * * *', '?-x * * * *', '1,,2 * * * *', ',5 * * * *', '0 0 , * *', '+5 * * * *', '05 06 * * *', '-5 * * * *',
  '*/0 * * * *', '*/100 * * * *', '*/99999999999999999999 * * * *', '1-2-3 * * * *', '1/2/3 * * * *', '0 0 L * *',
  '0 0 * * mon#2', '0 0 1W * *', '0 0 * * 5L', 'H * * * *', '0 12 29 2 *', '0 0 30 2 *', '0 0 31 4,6 *',
  '0 0 31 2 mon', '59 23 31 12 *', '0 0 * JAN-MAR/2 SUN', '0 0 * Jan sUn', '0 0 * 0 *', '0 24 * * *',
  '60 * * * *', '0 0 * * *  ', '  0 0 * * *', '0\t0 * * *', '0 0 * * * *', '0 0 * *', '', ' ', '* * * * ;rm',
  '0 0 * * FR\u0130', '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly', '@Daily',
  '@daily ', ' @daily', '@reboot', '@every', '@every ', '@every 5m', '@every 1h30m', '@every 1.5h', '@every .5s',
  '@every 1500ms', '@every 10ms', '@every 0', '@every -5m', '@every 5', '@every  5m', '@every 5m ', '@every 1d',
  '@every 2µs', '@every 2562047h47m16.854775807s', '@every 2562047h47m16.854775808s', 'TZ=UTC 0 6 * * *',
  'CRON_TZ=UTC @daily', 'TZ= 0 6 * * *', 'TZ=Local 0 6 * * *', 'TZ=UTC', 'TZ=UTC ', 'TZ=Europe/Oslo 0 6 * * *',
  'TZ=UTC  @hourly ', 'tz=UTC 0 6 * * *', 'every 5m',
];

/** A fixed-seed generator, so a failing expression is found again on the next run. */
function randomSchedules(count: number): string[] {
  let seed = 0x2f6b1d3;
  const next = (n: number): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
  const names = [[], [], [], ['jan', 'FEB', 'Mar', 'dec', 'jun'], ['sun', 'MON', 'tue', 'Sat', 'fri']] as const;
  const limits = [59, 23, 31, 12, 7];
  const value = (field: number): string => (names[field]!.length > 0 && next(8) === 0 ? names[field]![next(5)]! : String(next(limits[field]! + 2)));
  const atom = (field: number): string => {
    switch (next(10)) {
      case 0: return '*';
      case 1: return '?';
      case 2: return `*/${next(20)}`;
      case 3: return `${value(field)}-${value(field)}`;
      case 4: return `${value(field)}-${value(field)}/${1 + next(5)}`;
      case 5: return `${value(field)}/${1 + next(15)}`;
      default: return value(field);
    }
  };
  const fieldText = (field: number): string => Array.from({ length: next(4) === 0 ? 1 + next(3) : 1 }, () => atom(field)).join(',');
  return Array.from({ length: count }, () => [0, 1, 2, 3, 4].map(fieldText).join(' '));
}

const SCHEDULES = [...new Set([...CURATED, ...randomSchedules(1200)])];
// Starts that cross a month end, a leap day, a year end, and one inside a minute.
const STARTS = ['2026-01-01T00:07:00Z', '2024-02-28T12:00:00Z', '2026-12-31T23:59:30Z', '2026-06-15T08:14:59.5Z'];
const COUNT = 8;

type Context = { answers: Map<string, Answer> };
const test = suite<Context>('schedules: the platform agrees with the cron-connector');

test.before(async (context) => {
  const binary = await buildGoLauncher('cronref', getEnv().dataDir, createLogger({ level: 'warn' }));
  const requests = SCHEDULES.flatMap((schedule) => STARTS.map((from) => ({ schedule, from, count: COUNT })));
  const run = spawnSync(binary, [], { input: requests.map((request) => JSON.stringify(request)).join('\n'), maxBuffer: 64 * 1024 * 1024 });
  assert.is(run.status, 0, run.stderr?.toString());
  const lines = run.stdout.toString().trim().split('\n');
  assert.is(lines.length, requests.length);
  context.answers = new Map(lines.map((line, index) => [`${requests[index]!.schedule}\u0000${requests[index]!.from}`, JSON.parse(line) as Answer]));
});

const reference = (context: Context, schedule: string, from = STARTS[0]!): Answer => context.answers.get(`${schedule}\u0000${from}`)!;

function tryParse(text: string): Schedule | undefined {
  try {
    return parseSchedule(text);
  } catch (error) {
    if (isPlatformError(error) && error.code === 'schedule.invalid') return undefined;
    throw error;
  }
}

test('the platform accepts exactly what the cron-connector accepts (and refuses a rule that never fires)', (context) => {
  const disagreements: string[] = [];
  let accepted = 0;
  for (const text of SCHEDULES) {
    const connector = reference(context, text);
    // The one deliberate difference: the connector takes `0 0 30 2 *` and never calls the function.
    // And a `TZ=<zone>` prefix loads here, where a zone database exists, but not in the connector's image
    // (alpine with ca-certificates only, a Go binary without time/tzdata), where only UTC and Local load.
    const zone = /^(?:CRON_)?TZ=([^ ]*) /.exec(text)?.[1];
    const expected = connector.accepted && connector.next.length > 0 && (zone === undefined || ['', 'UTC', 'Local'].includes(zone));
    const ours = tryParse(text) !== undefined;
    if (ours !== expected) disagreements.push(`${JSON.stringify(text)}: cron-connector ${connector.accepted ? 'accepts' : `refuses (${connector.error})`}${connector.accepted && connector.next.length === 0 ? ' but never fires' : ''}, platform ${ours ? 'accepts' : 'refuses'}`);
    if (ours) accepted += 1;
  }
  assert.equal(disagreements, []);
  assert.ok(accepted > 300 && accepted < SCHEDULES.length - 300, `a fair share of both: ${accepted} of ${SCHEDULES.length} accepted`);
});

test('metadata validation and the stack check answer the same as parseSchedule', () => {
  const names = SCHEDULES.map((_, index) => `f${index}`);
  const stack = parseStack(
    `version: 1.0\nprovider:\n  name: openfaas\nfunctions:\n${SCHEDULES.map((text, index) => `  ${names[index]}:\n    lang: node24-ts\n    handler: ./functions/${names[index]}\n    image: example/f:1\n    annotations:\n      topic: cron-function\n      schedule: ${JSON.stringify(text)}\n`).join('')}`,
    'stack.yml',
  );
  const refusedByStack = new Set(
    validateStack(stack, { stackDir: '.', checkBuild: false })
      .map((problem) => /^functions\.(f\d+)\.annotations\.schedule:/.exec(problem)?.[1])
      .filter((name) => name !== undefined),
  );
  const disagreements = SCHEDULES.flatMap((text, index) => {
    const ours = tryParse(text) !== undefined;
    const metadata = datasetTriggerSchema.safeParse({ schedule: text }).success;
    const stackCheck = !refusedByStack.has(names[index]!);
    return ours === metadata && ours === stackCheck ? [] : [`${JSON.stringify(text)}: parseSchedule ${ours}, metadata ${metadata}, stack ${stackCheck}`];
  });
  assert.equal(disagreements, []);
});

for (const zone of ['UTC', 'Australia/Sydney']) {
  test(`the local scheduler and the catch-up fire when the cron-connector fires (machine zone ${zone})`, (context) => {
    const machineZone = process.env.TZ;
    process.env.TZ = zone;
    try {
      const disagreements: string[] = [];
      for (const text of SCHEDULES) {
        const schedule = tryParse(text);
        if (schedule === undefined) continue;
        for (const from of STARTS) {
          const expected = reference(context, text, from).next;
          if (schedule.kind === 'every') {
            // robfig/cron's @every fires every interval after it was added, cut to whole seconds.
            const steps = expected.map((time, index) => Date.parse(time) - (index === 0 ? Math.floor(Date.parse(from) / 1000) * 1000 : Date.parse(expected[index - 1]!)));
            if (steps.some((step) => step !== schedule.intervalMs)) disagreements.push(`${text}: interval ${schedule.intervalMs} ms, cron-connector ${steps.join(', ')}`);
            continue;
          }
          const fired = createCron(schedule.pattern).nextRuns(COUNT, new Date(from)).map((time) => time.toISOString());
          const wanted = expected.map((time) => new Date(time).toISOString());
          if (JSON.stringify(fired) !== JSON.stringify(wanted)) disagreements.push(`${text} from ${from}: local ${fired.slice(0, 3).join(' ')}…, cron-connector ${wanted.slice(0, 3).join(' ')}…`);
          // The catch-up's slot at a firing is that firing; a millisecond before, the one before it.
          wanted.forEach((time, index) => {
            const at = Date.parse(time);
            if (previousScheduleSlot(schedule, at).toISOString() !== time) disagreements.push(`${text}: slot at ${time} is ${previousScheduleSlot(schedule, at).toISOString()}`);
            if (index > 0 && previousScheduleSlot(schedule, at - 1).toISOString() !== wanted[index - 1]) disagreements.push(`${text}: slot just before ${time} is ${previousScheduleSlot(schedule, at - 1).toISOString()}, not ${wanted[index - 1]}`);
          });
        }
      }
      assert.equal(disagreements.slice(0, 20), []);
    } finally {
      if (machineZone === undefined) delete process.env.TZ;
      else process.env.TZ = machineZone;
    }
  });
}

test.run();
