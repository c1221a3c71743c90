import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { parseSchedule } from '#platform/cron/parseSchedule.ts';
import { ValidationError } from '#platform/errors.ts';

const pattern = (text: string) => {
  const schedule = parseSchedule(text);
  assert.is(schedule.kind, 'cron', text);
  return schedule.kind === 'cron' ? schedule.pattern : '';
};

const problem = (text: string): string => {
  try {
    parseSchedule(text);
  } catch (error) {
    assert.instance(error, ValidationError, text);
    assert.is((error as ValidationError).code, 'schedule.invalid');
    assert.match((error as Error).message, /5 cron fields in UTC/, 'the message lists the accepted forms');
    return String((error as ValidationError).context.problem);
  }
  assert.unreachable(`${JSON.stringify(text)} was accepted`);
  return '';
};

test('a rule becomes a croner pattern with every field spelt out, wildcards kept as *', () => {
  assert.equal(parseSchedule('*/15 * * * *'), { kind: 'cron', text: '*/15 * * * *', pattern: '0,15,30,45 * * * *' });
  assert.is(pattern(' 17  3 * * MON-FRI '), '17 3 * * 1,2,3,4,5');
  assert.is(pattern('0 0 1 jan,Jul *'), '0 0 1 1,7 *');
  assert.is(pattern('5/20 * * * *'), '5,25,45 * * * *', 'N/step runs from N to the end of the field');
  assert.is(pattern('? ? ? ? ?'), '* * * * *', '? is a wildcard, spelt *');
  assert.is(pattern('*/1 * * * *'), '* * * * *');
  assert.is(pattern('0 0 */2 * *'), '0 0 1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31 * *', 'a stepped * is a restriction, not a wildcard');
  assert.is(pattern('0 0 1-31 * 4'), '0 0 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31 * 4', 'an explicit range is a restriction too');
  assert.is(pattern('1,,2 * * * *'), '1,2 * * * *', 'robfig/cron skips empty list items');
  assert.is(pattern('+5 * * * *'), '5 * * * *');
  assert.is(pattern('*-9 * * * *'), '* * * * *', 'robfig/cron ignores what follows *-');
});

test('descriptors are the cron-connector\'s, in lower case', () => {
  assert.is(pattern('@hourly'), '0 * * * *');
  assert.is(pattern('@daily'), '0 0 * * *');
  assert.is(pattern('@midnight'), '0 0 * * *');
  assert.is(pattern('@weekly'), '0 0 * * 0');
  assert.is(pattern('@monthly'), '0 0 1 * *');
  assert.is(pattern('@yearly'), '0 0 1 1 *');
  assert.is(pattern('@annually'), '0 0 1 1 *');
  assert.match(problem('@Daily'), 'not a known descriptor');
  assert.match(problem('@daily '), 'not a known descriptor');
  assert.match(problem('@sometimes'), 'not a known descriptor');
});

test('@every takes a Go duration, cut to whole seconds with a 1 s minimum', () => {
  assert.equal(parseSchedule('@every 5m'), { kind: 'every', text: '@every 5m', intervalMs: 300_000 });
  assert.equal(parseSchedule('@every 1h30m'), { kind: 'every', text: '@every 1h30m', intervalMs: 5_400_000 });
  const interval = (text: string) => {
    const schedule = parseSchedule(text);
    return schedule.kind === 'every' ? schedule.intervalMs : undefined;
  };
  assert.is(interval('@every 1500ms'), 1000);
  assert.is(interval('@every 10ms'), 1000);
  assert.is(interval('@every 0'), 1000);
  assert.is(interval('@every 30s'), 30_000);
  assert.match(problem('@every soon'), 'Go duration');
  assert.match(problem('@every 5'), 'Go duration');
  assert.match(problem('@every  5m'), 'Go duration');
});

test('a UTC time-zone prefix is accepted; other zones are refused, as the connector cannot load them', () => {
  assert.is(pattern('TZ=UTC 0 6 * * *'), '0 6 * * *');
  assert.is(pattern('CRON_TZ=UTC @daily'), '0 0 * * *');
  assert.match(problem('TZ=Europe/Oslo 0 6 * * *'), 'Europe/Oslo');
  assert.match(problem('TZ=UTC'), 'no rule after it');
});

test('names the field that is wrong', () => {
  assert.match(problem('0 6 * *'), 'has 4 fields instead of 5');
  assert.match(problem('0 0 6 * * *'), 'has 6 fields instead of 5 (there is no seconds field)');
  assert.match(problem('@every5m'), 'not a known descriptor');
  assert.match(problem('0'), 'has 1 field instead of 5');
  assert.match(problem('60 * * * *'), 'minute `60` is outside 0-59');
  assert.match(problem('0 0 0 * *'), 'day of month `0` is outside 1-31');
  assert.match(problem('0 0 * 13 *'), 'month `13` is outside 1-12 (or jan-dec)');
  assert.match(problem('0 0 * * 7'), 'day of week `7` is outside 0-6 (or sun-sat)');
  assert.match(problem('0 0 * * 5-1'), 'day of week range `5-1` runs backwards');
  assert.match(problem('*/0 * * * *'), 'minute `*/0` has a step of 0');
  assert.match(problem('0 0 L * *'), 'day of month `L`: `L` is not a number');
  assert.match(problem('* * * * mon#2'), 'day of week `mon#2`');
  assert.match(problem('* * * * ;rm'), 'day of week `;rm`');
  assert.match(problem('0 0 , * *'), 'day of month `,` selects no value');
  assert.match(problem('0 0 30 2 *'), 'never fires');
  assert.match(problem(''), 'is empty');
});

test.run();
