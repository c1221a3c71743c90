import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { createSilverRecordMapper } from '#silver/createSilverRecordMapper.ts';
import { makeDataset } from '#support/layers.ts';

const columns = [
  { name: 'id', type: 'integer' },
  { name: 'amount', type: 'numeric' },
  { name: 'payee', type: 'text', source: 'payee.name' },
  { name: 'memo', type: 'text', scd: 1 },
  { name: 'synced', type: 'timestamptz', scd: 'none' },
];
const map = createSilverRecordMapper(resolveDatasetColumns(makeDataset('budget', { name: 'tx', load: 'delta', key: ['id'], deleted_flag: 'deleted', columns })));
const base = { id: 1, amount: '12.50', payee: { name: 'Bakery' }, memo: 'bread', synced: '2026-03-01T00:00:00Z', deleted: false };

test('values come out canonical, in column order', () => {
  const mapped = map(base);
  assert.equal(mapped.values, ['1', '12.5', 'Bakery', 'bread', '2026-03-01T00:00:00.000000Z']);
  assert.equal(mapped.key, ['1']);
  assert.is(mapped.deleted, false);
  assert.equal(mapped.rejects, []);
});

test('a scd2 change changes only the scd2 hash, a scd1 change only the scd1 hash, a scd:none change neither', () => {
  const original = map(base);
  const scd2 = map({ ...base, payee: { name: 'Baker' } });
  const scd1 = map({ ...base, memo: 'cake' });
  const none = map({ ...base, synced: '2026-04-01T00:00:00Z' });
  const sameValue = map({ ...base, amount: 12.5, id: '1' });
  assert.equal([scd2.scd2Hash !== original.scd2Hash, scd2.scd1Hash === original.scd1Hash], [true, true]);
  assert.equal([scd1.scd2Hash === original.scd2Hash, scd1.scd1Hash !== original.scd1Hash], [true, true]);
  assert.equal([none.scd2Hash, none.scd1Hash], [original.scd2Hash, original.scd1Hash]);
  assert.equal([sameValue.keyHash, sameValue.scd2Hash], [original.keyHash, original.scd2Hash]);
});

test('a value that turns NULL is a change; values cannot imitate each other across columns', () => {
  assert.is.not(map({ ...base, payee: null }).scd2Hash, map(base).scd2Hash);
  // Two text columns: `a = "x;b=y", b = NULL` must not hash like `a = "x", b = "y"`.
  const pair = createSilverRecordMapper(resolveDatasetColumns(makeDataset('s', { name: 'd', load: 'full', key: ['id'], columns: [{ name: 'id', type: 'integer' }, { name: 'a', type: 'text' }, { name: 'b', type: 'text' }] })));
  assert.is.not(pair({ id: 1, a: 'x;b=y', b: null }).scd2Hash, pair({ id: 1, a: 'x', b: 'y' }).scd2Hash);
});

test('the deleted flag is read and cast; a record with an uncastable value is rejected whole, naming each column', () => {
  assert.is(map({ ...base, deleted: 'true' }).deleted, true);
  const rejected = map({ ...base, amount: 'lots', synced: 1772366400 });
  assert.equal(rejected.rejects.map((reject) => [reject.column, reject.value]), [['amount', '"lots"'], ['synced', '1772366400']]);
  assert.equal(rejected.key, ['1']);
  assert.equal(rejected.values, []);
  const keyless = map({ ...base, id: null });
  assert.is(keyless.keyHash, null);
  assert.equal(keyless.rejects.map((reject) => reject.column), ['id']);
  const badFlag = map({ ...base, deleted: 'perhaps' });
  assert.equal(badFlag.rejects.map((reject) => [reject.column, reject.reason]), [['deleted', 'deleted flag string "perhaps" is not a boolean (true/false, yes/no, 1/0)']]);
});

test.run();
