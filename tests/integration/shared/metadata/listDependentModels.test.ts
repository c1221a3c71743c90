import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { listDependentModels } from '#metadata/catalog/listDependentModels.ts';
import { syncMetadata } from '#metadata/catalog/syncMetadata.ts';
import { validateMetadata, type MetadataFileText } from '#metadata/validateMetadata.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const test = suite('listDependentModels');

let db: TestDatabase;

const SHOP = `source: shop
connector: rest
datasets:
  - { name: orders, load: full, key: [id], columns: [{ name: id, type: bigint }, { name: total, type: numeric }] }
  - { name: customers, load: full, key: [id], columns: [{ name: id, type: bigint }] }
`;

/** a ← orders; b ← a, customers; c ← a, b (a diamond); d ← customers. */
const MODELS = `models:
  - { name: a, sql: gold/a.sql, depends_on: [shop.orders] }
  - { name: b, sql: gold/b.sql, depends_on: [gold.a, shop.customers] }
  - { name: c, sql: gold/c.sql, depends_on: [gold.a, gold.b] }
  - { name: d, sql: gold/d.sql, depends_on: [shop.customers] }
`;

function sync(models: string, sqlFiles: Record<string, string>) {
  const files: MetadataFileText[] = [{ path: 'shop.yml', text: SHOP }, { path: 'gold/models.yml', text: models }, ...Object.entries(sqlFiles).map(([path, text]) => ({ path, text }))];
  const result = validateMetadata(files);
  assert.ok(result.metadata, JSON.stringify(result.issues));
  return syncMetadata(db.pool, result.metadata);
}

const SQL = {
  'gold/a.sql': 'SELECT * FROM silver.shop__orders',
  'gold/b.sql': 'SELECT * FROM gold.a, silver.shop__customers',
  'gold/c.sql': 'SELECT * FROM gold.a JOIN gold.b USING (id)',
  'gold/d.sql': 'SELECT count(*) FROM silver.shop__customers',
};

const names = (models: Awaited<ReturnType<typeof listDependentModels>>) => models.map((entry) => [entry.model.name, entry.depth]);

test.before(async () => {
  db = await createTestDatabase();
  await sync(MODELS, SQL);
});

test.after(async () => {
  await db.drop();
});

test('direct and transitive dependents of a dataset, each after the models it reads', async () => {
  assert.equal(names(await listDependentModels(db.pool, { source: 'shop', dataset: 'orders' })), [['a', 1], ['b', 2], ['c', 3]]);
  assert.equal(names(await listDependentModels(db.pool, { source: 'shop', dataset: 'customers' })), [['b', 1], ['d', 1], ['c', 2]]);
});

test('dependents of a model, with the parsed model and its SQL', async () => {
  const models = await listDependentModels(db.pool, { model: 'b' });
  assert.equal(names(models), [['c', 1]]);
  assert.equal(models[0]?.model, { name: 'c', sql: 'gold/c.sql', depends_on: ['gold.a', 'gold.b'] });
  assert.is(models[0]?.sql, SQL['gold/c.sql']);
  assert.equal(await listDependentModels(db.pool, { source: 'shop', dataset: 'nothing' }), []);
});

test('retired models are not rebuilt', async () => {
  const { 'gold/c.sql': _c, ...rest } = SQL;
  await sync(MODELS.replace('  - { name: c, sql: gold/c.sql, depends_on: [gold.a, gold.b] }\n', ''), rest);
  assert.equal(names(await listDependentModels(db.pool, { source: 'shop', dataset: 'orders' })), [['a', 1], ['b', 2]]);
});

test.run();
