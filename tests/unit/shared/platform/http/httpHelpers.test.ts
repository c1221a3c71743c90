import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createRequestBudget } from '#platform/http/createRequestBudget.ts';
import { describeUrl } from '#platform/http/describeUrl.ts';
import { parseRetryAfter } from '#platform/http/parseRetryAfter.ts';
import { registerSecretValue } from '#platform/redact.ts';

test('Retry-After: seconds, an HTTP date, or nothing usable', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.is(parseRetryAfter('120', now), 120_000);
  assert.is(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
  assert.is(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
  assert.is(parseRetryAfter(undefined, now), undefined);
  assert.is(parseRetryAfter('soon', now), undefined);
});

test('the request budget allows `limit` requests per sliding window and says how long to wait', () => {
  const budget = createRequestBudget({ limit: 2, windowMs: 1000 });
  assert.is(budget.take(0), 0);
  assert.is(budget.take(400), 0);
  assert.is(budget.take(500), 500);
  assert.is(budget.take(1000), 0, 'the first request left the window');
  assert.equal(budget.snapshot(1000), [400, 1000]);
  const resumed = createRequestBudget({ limit: 2, windowMs: 1000, spent: budget.snapshot(1000) });
  assert.is(resumed.take(1100), 300);
});

test('URLs in messages lose user info, API-key parameters and registered secret values', () => {
  registerSecretValue('path-secret-123');
  assert.is(describeUrl('https://user:pw@api.example/v1/path-secret-123/items?api_key=k-999&page=2', ['api_key']), 'https://[redacted]@api.example/v1/[redacted]/items?api_key=[redacted]&page=2');
});

test.run();
