import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { previousScheduleSlot } from '#orchestrator/schedule/previousScheduleSlot.ts';

const test = suite('previousScheduleSlot');
const at = (iso: string) => Date.parse(iso);
const slot = (expression: string, now: string) => previousScheduleSlot(expression, at(now)).toISOString();

test('a cron rule gives the latest match at or before now, in UTC', () => {
  assert.is(slot('0 6 * * *', '2026-05-04T06:00:00.000Z'), '2026-05-04T06:00:00.000Z', 'a slot at now counts');
  assert.is(slot('0 6 * * *', '2026-05-04T05:59:59.999Z'), '2026-05-03T06:00:00.000Z');
  assert.is(slot('*/15 * * * *', '2026-05-04T06:44:59.000Z'), '2026-05-04T06:30:00.000Z');
  assert.is(slot('0 9 * * 1', '2026-05-06T12:00:00.000Z'), '2026-05-04T09:00:00.000Z', 'weekday 1 is Monday');
});

test('descriptors read as the cron-connector reads them', () => {
  assert.is(slot('@hourly', '2026-05-04T06:59:00.000Z'), '2026-05-04T06:00:00.000Z');
  assert.is(slot('@daily', '2026-05-04T06:59:00.000Z'), '2026-05-04T00:00:00.000Z');
});

test('@every slots are multiples of the interval since the epoch, so every instance agrees', () => {
  assert.is(slot('@every 30m', '2026-05-04T06:31:00.000Z'), '2026-05-04T06:30:00.000Z');
  assert.is(slot('@every 2h', '2026-05-04T07:59:00.000Z'), '2026-05-04T06:00:00.000Z');
});

test('an invalid schedule is a schedule.invalid error', () => {
  assert.throws(() => previousScheduleSlot('0 6 * *', Date.now()), (error: { code: string }) => error.code === 'schedule.invalid');
});

test.run();
