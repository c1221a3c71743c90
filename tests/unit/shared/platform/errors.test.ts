import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ConflictError, NotFoundError, PlatformError, TransientError, ValidationError, toPlatformError } from '#platform/errors.ts';

test('subclasses carry their retry advice and HTTP status', () => {
  assert.equal([new ValidationError('a', 'm').status, new ValidationError('a', 'm').retryable], [400, false]);
  assert.equal([new NotFoundError('a', 'm').status, new NotFoundError('a', 'm').retryable], [404, false]);
  assert.equal([new ConflictError('a', 'm').status, new ConflictError('a', 'm').retryable], [409, false]);
  const transient = new TransientError('http.rate_limited', 'slow down', { retryAfterMs: 1500 });
  assert.equal([transient.status, transient.retryable, transient.retryAfterMs], [503, true, 1500]);
});

test('code, context and cause are kept; the name is the subclass name', () => {
  const cause = new Error('socket hang up');
  const error = new ValidationError('metadata.invalid', 'bad file', { cause, context: { file: 'a.yml' } });
  assert.is(error.name, 'ValidationError');
  assert.is(error.code, 'metadata.invalid');
  assert.is(error.cause, cause);
  assert.equal(error.context, { file: 'a.yml' });
});

test('toJSON exposes no stack and no cause internals', () => {
  const error = new PlatformError('x.y', 'message', { cause: new Error('secret internals'), context: { step: 'bronze' } });
  const json = JSON.stringify(error);
  assert.not.match(json, 'secret internals');
  assert.not.match(json, 'stack');
  assert.equal(JSON.parse(json), { code: 'x.y', message: 'message', retryable: false, context: { step: 'bronze' } });
});

test('toPlatformError passes platform errors through and hides foreign ones behind a generic message', () => {
  const own = new NotFoundError('run.not_found', 'no run 7');
  assert.is(toPlatformError(own), own);
  const foreign = toPlatformError(new TypeError('cannot read properties of undefined'));
  assert.is(foreign.code, 'internal');
  assert.not.match(foreign.message, 'undefined');
  assert.instance(foreign.cause, TypeError);
});

test.run();
