import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { classifyFailure } from '#orchestrator/dispatch/classifyFailure.ts';
import { registerSecretValue } from '#platform/redact.ts';

const test = suite('classifyFailure');

const body = (code: string, retryable: boolean) => ({ code, message: `${code} happened`, retryable });

test("an error body's retryable flag decides, whatever the status: a permanent 500 is final, a transient 503 is retried", () => {
  assert.is(classifyFailure({ functionStatus: 503, error: body('db.unavailable', true), unparsed: undefined }).retryable, true);
  assert.is(classifyFailure({ functionStatus: 500, error: body('gold.model_failed', false), unparsed: undefined }).retryable, false, 'a failing model is not worth another try');
  assert.is(classifyFailure({ functionStatus: 500, error: body('silver.column_type_changed', false), unparsed: undefined }).retryable, false);
  assert.is(classifyFailure({ functionStatus: 500, error: body('internal', false), unparsed: undefined }).retryable, false);
  assert.is(classifyFailure({ functionStatus: 400, error: body('request.invalid', true), unparsed: undefined }).retryable, false, 'a refused request stays refused');
  assert.is(classifyFailure({ functionStatus: 429, error: body('http.rate_limited', true), unparsed: undefined }).retryable, true);
  assert.is(classifyFailure({ functionStatus: 503, error: body('http.retries_exhausted', true), unparsed: undefined }).retryable, true);
});

test('an answer without error body gets a code from its status and keeps some of its text', () => {
  assert.equal(classifyFailure({ functionStatus: 502, error: undefined, unparsed: 'Bad Gateway' }), { code: 'step.timeout', message: 'The step function answered 502 without an error body: Bad Gateway.', retryable: true, status: 502 });
  assert.equal(classifyFailure({ functionStatus: 503, error: undefined, unparsed: undefined }).code, 'step.unreachable');
  assert.equal(classifyFailure({ functionStatus: 418, error: undefined, unparsed: undefined }).code, 'step.http_418');
  const bad = classifyFailure({ functionStatus: 200, error: undefined, unparsed: '<html>' });
  assert.equal([bad.code, bad.retryable], ['step.bad_result', false]);
});

test('secret values never reach the recorded message', () => {
  registerSecretValue('tok-93f0a8d1c2');
  const error = classifyFailure({ functionStatus: 401, error: { code: 'http.unauthorized', message: 'token tok-93f0a8d1c2 refused', retryable: false }, unparsed: undefined });
  assert.not.match(error.message, /tok-93f0a8d1c2/);
});

test.run();
