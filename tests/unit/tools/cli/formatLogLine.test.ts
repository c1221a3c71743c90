import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { formatLogLine } from '#tools/cli/formatLogLine.ts';

test('a kept line for a terminal: time, function, step invocation, then event and fields; errors as code: message', () => {
  const line = JSON.stringify({ ts: '2026-03-01T06:15:02.118Z', level: 'error', event: 'step.failed', fn: 'files', run_id: 'r1', step: 'extract', chunk: 2, attempt: 3, source: 'bank', error: { code: 'files.bad_file', message: 'line 4: not a date', retryable: false }, file: 'a.csv' });
  assert.is(
    formatLogLine({ step: 'extract', chunk: 2, attempt: 3, function: 'files', logged_at: '2026-03-01T06:15:02.118Z', level: 'error', event: 'step.failed', line }),
    '06:15:02.118 files        extract #2 a3 ERROR step.failed error=files.bad_file: line 4: not a date file=a.csv',
  );
  assert.is(
    formatLogLine({ step: null, chunk: null, attempt: null, function: 'orchestrator', logged_at: '2026-03-01T06:15:00.000Z', level: 'info', event: 'run.started', line: '{"event":"run.started","trigger":"manual"}' }),
    '06:15:00.000 orchestrator run          run.started trigger=manual',
  );
  assert.match(formatLogLine({ step: 'silver', chunk: 0, attempt: 1, function: 'silver', logged_at: '2026-03-01T06:15:00.000Z', level: 'warn', event: 'odd', line: 'not json at all' }), /silver       WARN odd text=not json at all$/);
});

test.run();
