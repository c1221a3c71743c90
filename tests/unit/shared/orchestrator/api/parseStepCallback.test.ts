import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { parseStepCallback } from '#orchestrator/api/parseStepCallback.ts';

const test = suite('parseStepCallback');
const headers = { 'x-call-id': 'c-1', 'x-function-status': '503' };

test('the callback URL names run, step, chunk and the attempt it answers', () => {
  const callback = parseStepCallback({ headers, query: { run: 'r-1', step: 'bronze', chunk: '2', attempt: '3' }, rawBody: Buffer.from('') });
  assert.equal(callback.target, { runId: 'r-1', step: 'bronze', chunk: 2, attempt: 3 });
});

test('a callback URL without attempt (older dispatches) still names its chunk', () => {
  const callback = parseStepCallback({ headers, query: { run: 'r-1', step: 'bronze', chunk: '0' }, rawBody: Buffer.from('') });
  assert.equal(callback.target, { runId: 'r-1', step: 'bronze', chunk: 0 });
});

test('an error answer keeps code and retryable; text that is no error body is kept as text', () => {
  const error = parseStepCallback({ headers, query: {}, rawBody: Buffer.from(JSON.stringify({ error: { code: 'db.unavailable', message: 'down', retryable: true } })) });
  assert.equal(error.error, { code: 'db.unavailable', message: 'down', retryable: true });
  assert.is(error.target, undefined);
  const text = parseStepCallback({ headers: { ...headers, 'x-function-status': '502' }, query: {}, rawBody: Buffer.from('Bad Gateway') });
  assert.is(text.unparsed, 'Bad Gateway');
});

test.run();
