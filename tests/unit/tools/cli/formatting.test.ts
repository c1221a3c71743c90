import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { formatAge, formatDuration } from '#platform/formatDuration.ts';
import { formatFunctionLine } from '#tools/cli/formatFunctionLine.ts';
import { formatTable } from '#tools/cli/formatTable.ts';

test('durations read like a person would say them', () => {
  assert.equal([850, 4_240, 185_000, 7_620_000, 3 * 86_400_000].map(formatDuration), ['850 ms', '4.2 s', '3 min 05 s', '2 h 07 min', '3 d']);
  assert.is(formatDuration(-1), '-');
  assert.is(formatAge('2026-11-26T06:00:00Z', Date.parse('2026-11-26T06:01:30Z')), '1 min 30 s ago');
  assert.is(formatAge(null, 0), '-');
  assert.is(formatAge('not a time', 0), '-');
});

test('tables align columns under their header, without trailing blanks', () => {
  assert.equal(formatTable(['A', 'LONGER'], [['wide cell', 'x'], ['b', '']]), ['A          LONGER', 'wide cell  x', 'b']);
});

test('function log lines become `time name event key=value`; other output is shown as it is', () => {
  const json = JSON.stringify({ ts: '2026-11-26T06:00:00Z', level: 'info', event: 'step.finished', fn: 'silver', run_id: 'r1', counts: { read: 3 } });
  assert.is(formatFunctionLine('silver', json, '06:00:00'), '06:00:00 silver     step.finished run_id=r1 counts={"read":3}');
  const warning = JSON.stringify({ level: 'warn', event: 'http.retry', fn: 'rest', wait_ms: 1000 });
  assert.is(formatFunctionLine('rest', warning, '06:00:01'), '06:00:01 rest       WARN http.retry wait_ms=1000');
  assert.is(formatFunctionLine('files', 'plain text {', '06:00:02'), '06:00:02 files      plain text {');
  assert.is(formatFunctionLine('files', '{"not":"a log"}', '06:00:03'), '06:00:03 files      {"not":"a log"}');
});

test.run();
