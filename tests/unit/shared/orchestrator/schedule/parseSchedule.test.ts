import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ValidationError } from '#platform/errors.ts';
import { parseDuration } from '#orchestrator/schedule/parseDuration.ts';
import { parseSchedule } from '#orchestrator/schedule/parseSchedule.ts';

test('5-field cron rules are kept as they are (whitespace normalised)', () => {
  assert.equal(parseSchedule('*/15 * * * *'), { kind: 'cron', rule: '*/15 * * * *' });
  assert.equal(parseSchedule(' 17  3 * * MON-FRI '), { kind: 'cron', rule: '17 3 * * MON-FRI' });
});

test("descriptors become the cron-connector's (robfig/cron) equivalent rules", () => {
  assert.equal(parseSchedule('@hourly'), { kind: 'cron', rule: '0 * * * *' });
  assert.equal(parseSchedule('@daily'), { kind: 'cron', rule: '0 0 * * *' });
  assert.equal(parseSchedule('@midnight'), { kind: 'cron', rule: '0 0 * * *' });
  assert.equal(parseSchedule('@weekly'), { kind: 'cron', rule: '0 0 * * 0' });
  assert.equal(parseSchedule('@monthly'), { kind: 'cron', rule: '0 0 1 * *' });
  assert.equal(parseSchedule('@yearly'), { kind: 'cron', rule: '0 0 1 1 *' });
});

test('@every takes a Go duration, rounded up to whole seconds with a 1 s minimum', () => {
  assert.equal(parseSchedule('@every 5m'), { kind: 'every', intervalMs: 300_000 });
  assert.equal(parseSchedule('@every 1h30m'), { kind: 'every', intervalMs: 5_400_000 });
  assert.equal(parseSchedule('@every 1500ms'), { kind: 'every', intervalMs: 2000 });
  assert.equal(parseSchedule('@every 10ms'), { kind: 'every', intervalMs: 1000 });
});

test('what the cron-connector refuses is refused, naming the accepted forms', () => {
  for (const bad of ['* * * * * *', '* * * *', '61 * * * *', '@often', '@every soon', 'every 5m', '* * * * ; rm']) {
    try {
      parseSchedule(bad);
      assert.unreachable(bad);
    } catch (error) {
      assert.instance(error, ValidationError, bad);
      assert.is((error as ValidationError).code, 'schedule.invalid');
      assert.match((error as Error).message, /5 fields/);
    }
  }
});

test('Go durations: units, combinations, bare seconds; anything else is undefined', () => {
  assert.is(parseDuration('60s'), 60_000);
  assert.is(parseDuration('1m30s'), 90_000);
  assert.is(parseDuration('500ms'), 500);
  assert.is(parseDuration('2h'), 7_200_000);
  assert.is(parseDuration('45'), 45_000);
  assert.is(parseDuration('1.5s'), 1500);
  assert.is(parseDuration('sixty'), undefined);
  assert.is(parseDuration('10 s'), undefined);
  assert.is(parseDuration(''), undefined);
});

test.run();
