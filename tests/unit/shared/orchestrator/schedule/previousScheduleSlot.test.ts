import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { parseSchedule } from '#platform/cron/parseSchedule.ts';
import { previousScheduleSlot } from '#orchestrator/schedule/previousScheduleSlot.ts';

const test = suite('previousScheduleSlot');
const at = (iso: string) => Date.parse(iso);
const slot = (expression: string, now: string) => previousScheduleSlot(parseSchedule(expression), at(now)).toISOString();

test('a cron rule gives the latest match at or before now, in UTC', () => {
  assert.is(slot('0 6 * * *', '2026-05-04T06:00:00.000Z'), '2026-05-04T06:00:00.000Z', 'a slot at now counts');
  assert.is(slot('0 6 * * *', '2026-05-04T05:59:59.999Z'), '2026-05-03T06:00:00.000Z');
  assert.is(slot('*/15 * * * *', '2026-05-04T06:44:59.000Z'), '2026-05-04T06:30:00.000Z');
  assert.is(slot('0 9 * * 1', '2026-05-06T12:00:00.000Z'), '2026-05-04T09:00:00.000Z', 'weekday 1 is Monday');
});

test('day of month and day of week both restricted: either one matches, as in cron', () => {
  // 2026-05-01 is a Friday; `1 * mon` fires on the 1st and on Mondays.
  assert.is(slot('0 0 1 * mon', '2026-05-03T12:00:00.000Z'), '2026-05-01T00:00:00.000Z');
  assert.is(slot('0 0 1 * mon', '2026-05-05T12:00:00.000Z'), '2026-05-04T00:00:00.000Z');
});

test('descriptors read as the cron-connector reads them', () => {
  assert.is(slot('@hourly', '2026-05-04T06:59:00.000Z'), '2026-05-04T06:00:00.000Z');
  assert.is(slot('@daily', '2026-05-04T06:59:00.000Z'), '2026-05-04T00:00:00.000Z');
  assert.is(slot('0 12 29 2 *', '2026-05-04T00:00:00.000Z'), '2024-02-29T12:00:00.000Z', 'a rare rule finds its last match years back');
});

test('@every slots are multiples of the interval since the epoch, so every instance agrees', () => {
  assert.is(slot('@every 30m', '2026-05-04T06:31:00.000Z'), '2026-05-04T06:30:00.000Z');
  assert.is(slot('@every 2h', '2026-05-04T07:59:00.000Z'), '2026-05-04T06:00:00.000Z');
});

test.run();
