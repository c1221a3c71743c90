import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { newRunId } from '#pipeline/runStore/newRunId.ts';

test('run ids start with the UTC start time, are unique, and are safe as raw store folder names', () => {
  const id = newRunId(Date.parse('2026-03-01T12:34:56.789Z'));
  assert.match(id, /^20260301T123456Z-[0-9a-f]{8}$/);
  assert.is.not(newRunId(), newRunId());
  assert.match(newRunId(), /^[A-Za-z0-9_.-]+$/);
});

test.run();
