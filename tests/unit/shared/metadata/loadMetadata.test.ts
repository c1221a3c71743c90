import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';
import { NotFoundError } from '#platform/errors.ts';
import { loadMetadata } from '#metadata/loadMetadata.ts';
import { MetadataValidationError } from '#metadata/metadataIssue.ts';

const test = suite('loadMetadata');
const shipped = path.join(projectRoot, 'metadata');

test('the shipped examples load: bank files, YNAB deltas, GitHub over REST and gold models over silver', async () => {
  const metadata = await loadMetadata(shipped);
  assert.equal(metadata.sources.map((source) => [source.source, source.connector]), [['bank', 'files'], ['github', 'rest'], ['ynab', 'ynab']]);
  const [bank, github, ynab] = metadata.sources;
  assert.equal(bank?.datasets.map((dataset) => [dataset.name, dataset.load]), [['accounts', 'full'], ['transactions', 'full']]);
  assert.equal(bank?.datasets[1]?.extract, { format: 'csv', pattern: 'transactions*.csv', delimiter: ',', header: true });
  assert.equal(ynab?.datasets.map((dataset) => dataset.name), ['budgets', 'accounts', 'categories', 'payees', 'transactions']);
  assert.ok(ynab?.datasets.every((dataset) => dataset.load === 'delta'));
  const transactions = ynab?.datasets.find((dataset) => dataset.name === 'transactions');
  assert.is(transactions?.deleted_flag, 'deleted');
  assert.is(transactions?.columns.find((column) => column.name === 'amount')?.type, 'bigint');
  assert.equal(ynab?.secrets, { token: 'ynab-token' });
  assert.equal(github?.secrets, { token: 'github-token' });
  assert.is(github?.datasets[0]?.extract.path, '/user/starred');
  assert.equal(metadata.models.map((model) => model.name), ['budget_activity', 'monthly_spending', 'yearly_spending']);
  assert.match(metadata.modelSql.monthly_spending ?? '', 'silver.bank__transactions');
  assert.match(metadata.modelSql.monthly_spending ?? '', '_is_current');
});

test('a broken copy throws one error carrying every issue, the first one in its message', async () => {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'dp-metadata-'));
  try {
    await cp(shipped, directory, { recursive: true });
    const bank = path.join(directory, 'bank.yml');
    await writeFile(bank, (await readFile(bank, 'utf8')).replace('key: [iban]', 'key: [ibam]').replace('type: date', 'type: datetime'));
    await loadMetadata(directory);
    assert.unreachable('the broken copy should be refused');
  } catch (error) {
    assert.instance(error, MetadataValidationError);
    const issues = (error as MetadataValidationError).issues;
    assert.equal(issues.map((issue) => [issue.file, issue.path]), [['bank.yml', 'datasets[0].key[0]'], ['bank.yml', 'datasets[1].columns[2].type']]);
    assert.is((error as MetadataValidationError).code, 'metadata.invalid');
    assert.match((error as Error).message, 'bank.yml datasets[0].key[0]');
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
});

test('a folder that does not exist is a not-found error naming it', async () => {
  try {
    await loadMetadata(path.join(os.tmpdir(), 'dp-no-such-metadata-folder'));
    assert.unreachable();
  } catch (error) {
    assert.instance(error, NotFoundError);
    assert.is((error as NotFoundError).code, 'metadata.folder_missing');
    assert.match((error as Error).message, 'dp-no-such-metadata-folder');
  }
});

test.run();
