import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { parseGoDuration } from '#platform/cron/parseGoDuration.ts';

test('units, combinations, fractions and signs, in nanoseconds', () => {
  assert.is(parseGoDuration('60s'), 60_000_000_000n);
  assert.is(parseGoDuration('1h30m'), 5_400_000_000_000n);
  assert.is(parseGoDuration('1.5h'), 5_400_000_000_000n);
  assert.is(parseGoDuration('.5s'), 500_000_000n);
  assert.is(parseGoDuration('1.s'), 1_000_000_000n);
  assert.is(parseGoDuration('500ms'), 500_000_000n);
  assert.is(parseGoDuration('2us'), 2000n);
  assert.is(parseGoDuration('2µs'), 2000n);
  assert.is(parseGoDuration('2μs'), 2000n);
  assert.is(parseGoDuration('7ns'), 7n);
  assert.is(parseGoDuration('-2m'), -120_000_000_000n);
  assert.is(parseGoDuration('+2m'), 120_000_000_000n);
  assert.is(parseGoDuration('0'), 0n);
  assert.is(parseGoDuration('-0'), 0n);
  assert.is(parseGoDuration('2562047h47m16.854775807s'), (1n << 63n) - 1n, 'the largest duration');
});

test('what Go refuses is undefined', () => {
  for (const text of ['', '5', '+', '.s', 's', '5 m', '5M', '1d', 'sixty', '10 s', ' 5m', '5m ', '1.5.5s', '2562047h47m16.854775808s', '9223372036854775808ns']) {
    assert.is(parseGoDuration(text), undefined, text);
  }
});

test.run();
