import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { describeSchemaChange } from '#metadata/changes/describeSchemaChange.ts';
import { diffDataset } from '#metadata/changes/diffDataset.ts';
import { datasetSchema, type Dataset } from '#metadata/schema.ts';

const base = {
  name: 'transactions',
  load: 'full',
  key: ['id'],
  columns: [
    { name: 'id', type: 'text' },
    { name: 'amount', type: 'numeric' },
    { name: 'payee', type: 'text', source: 'payee_name' },
    { name: 'memo', type: 'text', scd: 1 },
    { name: 'seen', type: 'timestamptz', scd: 'none' },
  ],
};

const dataset = (edit: (yaml: typeof base) => Record<string, unknown>): Dataset => datasetSchema.parse(edit(structuredClone(base)));
const before = dataset((yaml) => yaml);
const kinds = (after: Dataset) => diffDataset(before, after).map((change) => change.kind);

test('an unchanged definition has no change', () => {
  assert.equal(diffDataset(before, dataset((yaml) => ({ ...yaml, description: 'only words changed' }))), []);
});

test('each kind of change is recognised', () => {
  assert.equal(diffDataset(before, dataset((yaml) => ({ ...yaml, columns: [...yaml.columns, { name: 'category', type: 'text' }] }))), [{ kind: 'column_added', column: 'category', scd: 2 }]);
  assert.equal(diffDataset(before, dataset((yaml) => ({ ...yaml, columns: yaml.columns.filter((column) => column.name !== 'memo') }))), [{ kind: 'column_removed', column: 'memo', scd: 1 }]);
  assert.equal(diffDataset(before, dataset((yaml) => ({ ...yaml, columns: yaml.columns.map((column) => (column.name === 'amount' ? { ...column, type: 'text' } : column)) }))), [{ kind: 'column_retyped', column: 'amount', from: 'numeric', to: 'text' }]);
  assert.equal(diffDataset(before, dataset((yaml) => ({ ...yaml, columns: yaml.columns.map((column) => (column.name === 'memo' ? { ...column, scd: 2 } : column)) }))), [{ kind: 'scd_changed', column: 'memo', from: 1, to: 2 }]);
  assert.equal(diffDataset(before, dataset((yaml) => ({ ...yaml, key: ['id', 'payee'] }))), [{ kind: 'key_changed', from: ['id'], to: ['id', 'payee'] }]);
  assert.equal(diffDataset(before, dataset((yaml) => ({ ...yaml, load: 'delta' }))), [{ kind: 'load_changed', from: 'full', to: 'delta' }]);
  assert.equal(diffDataset(before, dataset((yaml) => ({ ...yaml, columns: yaml.columns.map((column) => (column.name === 'payee' ? { ...column, source: 'payee.name' } : column)) }))), [{ kind: 'source_changed', column: 'payee', from: 'payee_name', to: 'payee.name', scd: 2 }]);
});

test('a column that left and one that came with the same source is a rename (a retype too when the type changed)', () => {
  const renamed = dataset((yaml) => ({ ...yaml, columns: yaml.columns.map((column) => (column.name === 'payee' ? { name: 'counterparty', type: 'text', source: 'payee_name' } : column)) }));
  assert.equal(diffDataset(before, renamed), [{ kind: 'column_renamed', column: 'counterparty', from: 'payee', scd: 2 }]);
  const sameSource = dataset((yaml) => ({ ...yaml, columns: yaml.columns.map((column) => (column.name === 'amount' ? { name: 'value', type: 'double precision', source: 'amount' } : column)) }));
  assert.equal(kinds(sameSource), ['column_renamed', 'column_retyped']);
});

test('each change says what it does to silver and whether a replay is needed', () => {
  const advice = (after: Dataset) => diffDataset(before, after).map((change) => describeSchemaChange(change, 'silver.bank__transactions').advice);
  assert.equal(advice(dataset((yaml) => ({ ...yaml, columns: yaml.columns.map((column) => (column.name === 'amount' ? { ...column, type: 'text' } : column)) }))), ['replay_required']);
  assert.equal(advice(dataset((yaml) => ({ ...yaml, key: ['payee'] }))), ['replay_required']);
  assert.equal(advice(dataset((yaml) => ({ ...yaml, columns: [...yaml.columns, { name: 'label', type: 'text', scd: 1 }] }))), ['none'], 'a new scd 1 column is filled in on every version');
  assert.equal(advice(dataset((yaml) => ({ ...yaml, columns: [...yaml.columns, { name: 'category', type: 'text' }] }))), ['replay_recommended']);
  assert.equal(advice(dataset((yaml) => ({ ...yaml, columns: yaml.columns.map((column) => (column.name === 'memo' ? { ...column, scd: 'none' } : column)) }))), ['none'], 'scd 1 → none opens no version');
  const retyped = describeSchemaChange({ kind: 'column_retyped', column: 'amount', from: 'numeric', to: 'text' }, 'silver.bank__transactions');
  assert.match(retyped.effect, /silver\.bank__transactions keeps `amount` as numeric .* loads of the dataset are refused until a replay/);
  const scd = describeSchemaChange({ kind: 'scd_changed', column: 'memo', from: 1, to: 2 }, 'silver.x');
  assert.match(scd.effect, /opens a new version for every key whose value is not NULL/);
});

test.run();
