import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { UnauthorizedError } from '#platform/errors.ts';
import { computeBackoff } from '#orchestrator/dispatch/computeBackoff.ts';
import { signWebhookBody, verifyWebhookSignature } from '#orchestrator/triggers/verifyWebhookSignature.ts';

const body = '{"event":"transactions.changed"}';

test('a body signed with the shared secret is accepted', () => {
  verifyWebhookSignature(body, signWebhookBody(body, 's3cret-value'), 's3cret-value', 'ynab');
});

test('unsigned, wrongly signed and tampered bodies are refused with distinct codes', () => {
  const cases: Array<[string | undefined, string, string]> = [
    [undefined, body, 'webhook.unsigned'],
    ['', body, 'webhook.unsigned'],
    [signWebhookBody(body, 'other-secret'), body, 'webhook.bad_signature'],
    [signWebhookBody(body, 's3cret-value'), `${body} `, 'webhook.bad_signature'],
    ['sha256=abc', body, 'webhook.bad_signature'],
  ];
  for (const [signature, sent, code] of cases) {
    try {
      verifyWebhookSignature(sent, signature, 's3cret-value', 'ynab');
      assert.unreachable(`${code} should be refused`);
    } catch (error) {
      assert.instance(error, UnauthorizedError);
      assert.is((error as UnauthorizedError).code, code);
      assert.is((error as UnauthorizedError).status, 401);
      assert.not.match((error as Error).message, 's3cret-value');
    }
  }
});

test('backoff doubles from the base, is capped, and honours a longer Retry-After', () => {
  assert.equal([1, 2, 3, 4].map((attempt) => computeBackoff(attempt, { baseMs: 1000, maxMs: 5000 })), [1000, 2000, 4000, 5000]);
  assert.is(computeBackoff(1, { baseMs: 1000, retryAfterMs: 7000 }), 7000);
  assert.is(computeBackoff(1, { baseMs: 1000, maxMs: 5000, retryAfterMs: 60_000 }), 5000);
});

test.run();
