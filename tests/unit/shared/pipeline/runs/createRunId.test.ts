import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createRunId } from '#pipeline/runs/createRunId.ts';

test('run ids start with the UTC start time, are unique, and are safe as raw store folder names', () => {
  const id = createRunId(new Date('2026-03-01T12:34:56.789Z'));
  assert.match(id, /^20260301T123456Z-[0-9a-f]{6}$/);
  assert.is.not(createRunId(), createRunId());
  assert.match(createRunId(), /^[A-Za-z0-9_.-]+$/);
});

test.run();
