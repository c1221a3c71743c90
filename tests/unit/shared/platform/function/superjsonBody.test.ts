import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { ValidationError } from '#platform/errors.ts';
import { decodeSuperjson, encodeSuperjson, isSuperjsonEnvelope } from '#platform/function/superjsonBody.ts';

test('bigints, Dates and Maps survive an encode → JSON text → decode round trip', () => {
  const value = { rows: 9007199254740993n, at: new Date('2026-03-01T10:00:00Z'), seen: new Map([['a', 1]]), plain: 'x' };
  const wire = JSON.stringify(encodeSuperjson(value));
  const back = decodeSuperjson(wire) as typeof value;
  assert.is(back.rows, 9007199254740993n);
  assert.instance(back.at, Date);
  assert.is(back.at.toISOString(), '2026-03-01T10:00:00.000Z');
  assert.instance(back.seen, Map);
  assert.is(back.seen.get('a'), 1);
  assert.is(back.plain, 'x');
});

test('a value without special types encodes without meta', () => {
  assert.equal(encodeSuperjson({ a: 1 }), { json: { a: 1 } });
});

test('plain JSON (no envelope) passes through, so a step can be started with curl', () => {
  assert.equal(decodeSuperjson({ runId: 'r1', chunk: 0 }), { runId: 'r1', chunk: 0 });
  assert.equal(decodeSuperjson('{"runId":"r1"}'), { runId: 'r1' });
  assert.is(decodeSuperjson(''), undefined);
});

test('only an object with exactly json (and meta) counts as an envelope', () => {
  assert.ok(isSuperjsonEnvelope({ json: 1 }));
  assert.ok(isSuperjsonEnvelope({ json: {}, meta: {} }));
  assert.not.ok(isSuperjsonEnvelope({ json: 1, other: 2 }));
  assert.not.ok(isSuperjsonEnvelope([1]));
  assert.not.ok(isSuperjsonEnvelope(null));
});

test('text that is not JSON is a ValidationError naming the body', () => {
  try {
    decodeSuperjson('{nope', 'bronze step request');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ValidationError);
    assert.is((error as ValidationError).code, 'request.invalid_json');
    assert.match((error as Error).message, /bronze step request/);
  }
});

test.run();
