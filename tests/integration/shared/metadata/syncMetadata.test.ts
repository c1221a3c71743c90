import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import { getDataset } from '#metadata/catalog/getDataset.ts';
import { listDatasets } from '#metadata/catalog/listDatasets.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import { syncMetadata } from '#metadata/catalog/syncMetadata.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import type { MetadataSet } from '#metadata/schema.ts';
import { validateMetadata, type MetadataFileText } from '#metadata/validateMetadata.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { ensureSilverTable } from '#silver/ensureSilverTable.ts';
import { syncMetadataAgainstSilver } from '#silver/syncMetadataAgainstSilver.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const test = suite('syncMetadata');

let db: TestDatabase;
let shipped: MetadataFileText[];

test.before(async () => {
  db = await createTestDatabase();
  shipped = await readMetadataFolder(path.join(projectRoot, 'metadata'));
});

test.after(async () => {
  await db.drop();
});

type Edit = (text: string) => string | undefined;

/** The shipped examples with edits applied per file (an edit returning undefined removes the file). */
function metadataWith(edits: Readonly<Record<string, Edit>> = {}): MetadataSet {
  const files = shipped.flatMap((entry) => {
    const edit = edits[entry.path];
    const text = edit === undefined ? entry.text : edit(entry.text);
    return text === undefined ? [] : [{ path: entry.path, text }];
  });
  const result = validateMetadata(files);
  assert.ok(result.metadata, JSON.stringify(result.issues, null, 2));
  return result.metadata;
}

const count = (table: string) => sql.type(z.object({ n: z.bigint().transform(Number) }))`SELECT count(*) AS n FROM ${sql.identifier(['platform', table])}`;

const counterpartyScd1: Edit = (text) => text.replace('{ name: counterparty, type: text }', '{ name: counterparty, type: text, scd: 1 }');

const removePayees: Edit = (text) => {
  const start = text.indexOf('  - name: payees');
  const end = text.indexOf('  - name: transactions');
  return text.slice(0, start) + text.slice(end);
};

test('the first sync writes the shipped examples: a version, sources, datasets, columns, models and dependencies', async () => {
  const metadata = metadataWith();
  const result = await syncMetadata(db.pool, metadata);
  assert.is(result.created, true);
  assert.is(result.versionId, 1);
  assert.is(result.hash, metadata.hash);
  assert.equal(result.sources.added, ['bank', 'github', 'ynab']);
  assert.equal(result.datasets.added, [
    'bank.accounts', 'bank.transactions', 'github.starred_repositories',
    'ynab.accounts', 'ynab.budgets', 'ynab.categories', 'ynab.payees', 'ynab.transactions',
  ]);
  assert.equal(result.models.added, ['gold.budget_activity', 'gold.monthly_spending', 'gold.yearly_spending']);

  const columns = metadata.sources.flatMap((source) => source.datasets.flatMap((dataset) => dataset.columns)).length;
  assert.is(await db.pool.oneFirst(count('columns')), columns);
  assert.is(await db.pool.oneFirst(count('model_dependencies')), 5);
  const keyColumn = await db.pool.one(sql.type(z.object({ is_key: z.boolean(), type: z.string(), scd: z.string(), source_path: z.string().nullable() }))`
    SELECT is_key, type, scd, source_path FROM platform.columns WHERE source = 'github' AND dataset = 'starred_repositories' AND column_name = 'id'`);
  assert.equal(keyColumn, { is_key: true, type: 'bigint', scd: '2', source_path: 'repo.id' });

  const catalog = await loadCatalog(db.pool);
  assert.is(catalog.versionId, 1);
  assert.equal(catalog.metadata, structuredClone(metadata));
  const stored = await db.pool.oneFirst(sql.type(z.object({ changes: z.unknown() }))`SELECT changes FROM platform.metadata_versions WHERE version_id = 1`);
  assert.equal((stored as { datasets: { added: string[] } }).datasets.added.length, 8);
});

test('syncing unchanged files creates no version, even when only comments and layout differ', async () => {
  const again = await syncMetadata(db.pool, metadataWith({ 'bank.yml': (text) => `# reformatted\n${text.replaceAll('{ name: iban, type: text', '{ type: text, name: iban')}` }));
  assert.is(again.created, false);
  assert.is(again.versionId, 1);
  assert.equal(again.datasets, { added: [], changed: [], retired: [], restored: [] });
  assert.is(await db.pool.oneFirst(count('metadata_versions')), 1);
});

test('changing a column creates a new version; only that dataset is marked changed', async () => {
  const result = await syncMetadata(db.pool, metadataWith({ 'bank.yml': counterpartyScd1 }));
  assert.is(result.created, true);
  assert.is(result.versionId, 2);
  assert.equal(result.datasets.changed, ['bank.transactions']);
  assert.equal([result.datasets.added, result.datasets.retired, result.sources.changed], [[], [], []]);

  const transactions = await getDataset(db.pool, 'bank', 'transactions');
  assert.is(transactions.versionId, 2);
  assert.is(transactions.changedVersion, 2);
  assert.is(transactions.dataset.columns.find((column) => column.name === 'counterparty')?.scd, 1);
  assert.is((await getDataset(db.pool, 'bank', 'accounts')).changedVersion, 1);
  const scd = await db.pool.oneFirst(sql.type(z.object({ scd: z.string() }))`
    SELECT scd FROM platform.columns WHERE source = 'bank' AND dataset = 'transactions' AND column_name = 'counterparty'`);
  assert.is(scd, '1');
  // The earlier version is still readable, as a run that recorded it would read it.
  const first = await loadCatalog(db.pool, { versionId: 1 });
  assert.is(first.metadata.sources[0]?.datasets[1]?.columns.find((column) => column.name === 'counterparty')?.scd, 2);
});

test('removing a dataset retires it and keeps its silver data; adding it back restores it', async () => {
  await db.pool.query(sql.unsafe`CREATE TABLE silver.ynab__payees (id uuid, name text, _is_current boolean)`);
  await db.pool.query(sql.unsafe`INSERT INTO silver.ynab__payees VALUES ('5b1f7f3e-6d1c-4e11-9f0e-2a7c1b9d8e01', 'Bakery', true)`);

  const retired = await syncMetadata(db.pool, metadataWith({ 'bank.yml': counterpartyScd1, 'ynab.yml': removePayees }));
  assert.is(retired.versionId, 3);
  assert.equal(retired.datasets.retired, ['ynab.payees']);
  assert.equal(retired.datasets.changed, []);

  const payees = await getDataset(db.pool, 'ynab', 'payees');
  assert.instance(payees.retiredAt, Date);
  assert.is(payees.dataset.deleted_flag, 'deleted');
  assert.not.ok((await listDatasets(db.pool)).some((entry) => entry.dataset === 'payees'));
  assert.ok((await listDatasets(db.pool, { includeRetired: true })).some((entry) => entry.dataset === 'payees' && entry.retiredAt !== null));
  assert.is(await db.pool.oneFirst(sql.type(z.object({ name: z.string() }))`SELECT name FROM silver.ynab__payees`), 'Bakery');
  assert.is(await db.pool.oneFirst(sql.type(z.object({ n: z.bigint().transform(Number) }))`SELECT count(*) AS n FROM platform.columns WHERE dataset = 'payees'`), 4);

  const restored = await syncMetadata(db.pool, metadataWith({ 'bank.yml': counterpartyScd1 }));
  assert.is(restored.versionId, 4);
  assert.equal(restored.datasets.restored, ['ynab.payees']);
  assert.is((await getDataset(db.pool, 'ynab', 'payees')).retiredAt, null);
});

test('removing a whole source file retires the source and its datasets; unknown datasets get a suggestion', async () => {
  const result = await syncMetadata(db.pool, metadataWith({ 'bank.yml': counterpartyScd1, 'github.yml': () => undefined }));
  assert.equal(result.sources.retired, ['github']);
  assert.equal(result.datasets.retired, ['github.starred_repositories']);
  const retiredAt = await db.pool.oneFirst(sql.type(z.object({ retired_at: z.date().nullable() }))`SELECT retired_at FROM platform.sources WHERE source = 'github'`);
  assert.instance(retiredAt, Date);
  try {
    await getDataset(db.pool, 'bank', 'transaction');
    assert.unreachable();
  } catch (error) {
    assert.is((error as { code?: string }).code, 'metadata.dataset_not_found');
    assert.match((error as Error).message, 'did you mean `bank.transactions`?');
  }
});

test('a sync that fails half-way writes nothing', async () => {
  const before = await loadCatalog(db.pool);
  const metadata = metadataWith({ 'bank.yml': (text) => text.replace('{ name: balance, type: numeric', '{ name: balance_eur, type: numeric') });
  // A definition the catalog's own constraints refuse (no key), after the version row was written.
  const broken: MetadataSet = { ...metadata, sources: metadata.sources.map((source) => ({ ...source, datasets: source.datasets.map((dataset) => ({ ...dataset, key: [] })) })) };
  try {
    await syncMetadata(db.pool, broken);
    assert.unreachable('the catalog should refuse a dataset without key');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'db.check_violation');
  }
  const after = await loadCatalog(db.pool);
  assert.is(after.versionId, before.versionId);
  assert.is(await db.pool.oneFirst(sql.type(z.object({ n: z.bigint().transform(Number) }))`SELECT count(*) AS n FROM platform.columns WHERE column_name = 'balance_eur'`), 0);
});

test('two syncs of the same new content at once create exactly one version', async () => {
  const metadata = metadataWith({ 'bank.yml': (text) => text.replace('raw_days: 400', 'raw_days: 365') });
  const results = await Promise.all([syncMetadata(db.pool, metadata), syncMetadata(db.pool, metadata)]);
  assert.equal(results.map((result) => result.created).sort(), [false, true]);
  assert.is(results[0]?.versionId, results[1]?.versionId);
});

test('a column retyped against its existing silver table is refused, naming the table type and the ways on; allowed, it is reported', async () => {
  await syncMetadata(db.pool, metadataWith());
  const current = await getDataset(db.pool, 'bank', 'accounts');
  await db.pool.transaction((tx) => ensureSilverTable(tx, resolveDatasetColumns(current)));
  const before = await loadCatalog(db.pool);
  const retyped = metadataWith({ 'bank.yml': (text) => text.replace('{ name: balance, type: numeric', '{ name: balance, type: bigint') });
  try {
    await syncMetadataAgainstSilver(db.pool, retyped);
    assert.unreachable('a retype of an existing silver column must be refused');
  } catch (error) {
    assert.is((error as { code?: string }).code, 'metadata.column_retyped');
    const message = (error as Error).message;
    assert.match(message, '`bank.accounts`: column `balance` is numeric in silver.bank__accounts, bigint in the metadata');
    assert.match(message, 'dp replay bank.accounts');
    assert.match(message, 'dp metadata sync --allow-retype');
  }
  assert.is((await loadCatalog(db.pool)).versionId, before.versionId, 'nothing was written');
  const allowed = await syncMetadataAgainstSilver(db.pool, retyped, { allowRetypes: true });
  assert.equal(allowed.retypes, [{ source: 'bank', dataset: 'accounts', table: 'silver.bank__accounts', column: 'balance', silverType: 'numeric', declaredType: 'bigint' }]);
  // a retype accepted once is not asked again; a dataset without a silver table yet changes its types freely
  const fresh = metadataWith({ 'bank.yml': (text) => text.replace('{ name: amount, type: numeric', '{ name: amount, type: bigint').replace('{ name: balance, type: numeric', '{ name: balance, type: bigint') });
  assert.equal((await syncMetadataAgainstSilver(db.pool, fresh)).retypes, []);
});

test.run();
