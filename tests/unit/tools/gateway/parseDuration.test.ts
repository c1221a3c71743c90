import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { parseDuration } from '#tools/gateway/parseDuration.ts';

test('watchdog timeouts: a Go duration, or a bare number of seconds; anything else is undefined', () => {
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
