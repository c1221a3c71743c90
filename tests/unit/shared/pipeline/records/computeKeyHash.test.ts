import { hash } from 'node:crypto';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { canonicalJson } from '#pipeline/records/canonicalJson.ts';
import { computeKeyHash, keyHashText, keyHashUuid } from '#pipeline/records/computeKeyHash.ts';
import { readSourcePath } from '#pipeline/records/readSourcePath.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { ConfigError } from '#platform/errors.ts';
import { makeDataset } from '#support/layers.ts';

const plan = resolveDatasetColumns(
  makeDataset('bank', {
    name: 'lines',
    load: 'full',
    key: ['booked_on', 'account'],
    columns: [
      { name: 'account', type: 'integer', source: 'account.id' },
      { name: 'booked_on', type: 'date' },
      { name: 'amount', type: 'numeric' },
    ],
  }),
);

test('the key hash is md5 over the JSON array of canonical key values, in key order (reproducible in SQL)', () => {
  const result = computeKeyHash(plan.key, { booked_on: '2026-03-01', account: { id: '007' }, amount: 1 });
  assert.ok(result.ok);
  if (!result.ok) return;
  assert.equal(result.values, ['2026-03-01', '7']);
  assert.is(keyHashText(result.values), '["2026-03-01","7"]');
  assert.is(result.hex, hash('md5', '["2026-03-01","7"]', 'hex'));
  assert.match(keyHashUuid(result) ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});

test('values that cast to the same key give the same hash; other values give other hashes', () => {
  const a = computeKeyHash(plan.key, { booked_on: '2026-03-01', account: { id: 7 } });
  const b = computeKeyHash(plan.key, { booked_on: ' 2026-03-01 ', account: { id: '7' }, amount: 'ignored' });
  const c = computeKeyHash(plan.key, { booked_on: '2026-03-01', account: { id: 8 } });
  assert.ok(a.ok && b.ok && c.ok);
  if (!a.ok || !b.ok || !c.ok) return;
  assert.is(a.hex, b.hex);
  assert.is.not(a.hex, c.hex);
});

test('a missing or uncastable key value fails and names the column', () => {
  const missing = computeKeyHash(plan.key, { account: { id: 7 } });
  assert.equal(missing.ok ? null : [missing.column, missing.reason], ['booked_on', 'key column `booked_on` is missing (path `booked_on`)']);
  const bad = computeKeyHash(plan.key, { booked_on: '2026-03-01', account: { id: 'x' } });
  assert.equal(bad.ok ? null : bad.column, 'account');
  assert.is(keyHashUuid(bad), null);
});

test('readSourcePath follows dotted paths through objects and arrays, and never into prototypes', () => {
  const record = { payee: { name: 'Bakery' }, lines: [{ amount: 3 }], empty: null };
  assert.is(readSourcePath(record, 'payee.name'), 'Bakery');
  assert.is(readSourcePath(record, 'lines.0.amount'), 3);
  assert.is(readSourcePath(record, 'lines.x'), undefined);
  assert.is(readSourcePath(record, 'empty.name'), undefined);
  assert.is(readSourcePath(record, 'constructor'), undefined);
  assert.is(readSourcePath(record, 'payee.toString'), undefined);
  assert.is(readSourcePath(record, ''), record, 'an empty path is the record itself');
  assert.is(readSourcePath({ list: [1, 2] }, 'list.length'), undefined, 'array steps are digits only');
});

test('canonicalJson sorts keys at every level', () => {
  assert.is(canonicalJson({ b: [{ z: 1, y: 2 }], a: null, c: undefined }), '{"a":null,"b":[{"y":2,"z":1}]}');
});

test('key columns must be declared', () => {
  try {
    resolveDatasetColumns(makeDataset('bank', { name: 'x', load: 'full', key: ['id'], columns: [{ name: 'other', type: 'text' }] }));
    assert.unreachable('an undeclared key should fail');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.match((error as Error).message, /Dataset `bank.x`: key column `id` is not in `columns`/);
  }
});

test.run();
