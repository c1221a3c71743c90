import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { closestName } from '#metadata/closestName.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { formatMetadataIssues } from '#metadata/formatMetadataIssues.ts';
import { looksLikeSecretValue } from '#metadata/looksLikeSecretValue.ts';

const closest = suite('closestName');

closest('suggests typos, swapped letters and other spellings of the same key', () => {
  assert.is(closestName('recods_path', ['records_path', 'path', 'cursor']), 'records_path');
  assert.is(closestName('recordsPath', ['records_path', 'path']), 'records_path');
  assert.is(closestName('rset', ['rest', 'files', 'ynab']), 'rest');
  assert.is(closestName('lod', ['load', 'key']), 'load');
});

closest('stays quiet when nothing is plausibly meant', () => {
  assert.is(closestName('3', ['1', '2', 'none']), undefined);
  assert.is(closestName('schedule', ['name', 'load', 'key']), undefined);
  assert.is(closestName('key', ['key']), undefined);
});

const secrets = suite('looksLikeSecretValue');

secrets('recognises tokens, keys and credentials', () => {
  for (const value of [
    'ghp_R2d2C3poBb8Yoda42LukeLeia99Han0Solo1',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    'sk_live_51HxYzAbCdEfGhIjKlMn',
    'xoxb-1234567890-abcdefghij',
    'AKIAIOSFODNN7EXAMPLE',
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    'Bearer abcdefgh12345678',
    '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
    'Zx8Qp2Lm7Vn4Rt6Yk1Wb3Hs9',
    'c2VjcmV0LXBhc3N3b3JkLTEyMw==',
    'https://user:pa55word@db.example.com/x',
  ]) {
    assert.ok(looksLikeSecretValue(value), value);
  }
});

secrets('lets names, paths, URLs and ordinary text pass', () => {
  for (const value of ['ynab-token', 'github-webhook-secret', 'https://api.github.com', '/user/starred', 'data.transactions', 'transactions*.csv', 'application/vnd.github.star+json', 'last-used', '2022-11-28', 'personal_access_token_for_budget']) {
    assert.not.ok(looksLikeSecretValue(value), value);
  }
});

const format = suite('formatMetadataIssues');

format('groups by file with the folder prefix, position, path, message and fix', () => {
  const lines = formatMetadataIssues([
    { file: 'bank.yml', path: 'datasets[1].key[0]', line: 14, column: 11, code: 'metadata.key_not_declared', severity: 'error', message: 'key column `idd` is not declared in `columns`', fix: 'did you mean `id`?' },
    { file: 'bank.yml', path: '', code: 'metadata.yaml_syntax', severity: 'warning', message: 'w', fix: 'f' },
    { file: 'gold/models.yml', path: 'models[0].sql', line: 3, column: 10, code: 'metadata.sql_missing', severity: 'error', message: 'm', fix: 'x' },
  ], 'metadata/');
  assert.equal(lines.filter((line) => !line.startsWith(' ')), ['metadata/bank.yml', '', 'metadata/gold/models.yml', '']);
  assert.match(lines[1] ?? '', /^ {2}14:11 +error +datasets\[1\]\.key\[0\]$/);
  assert.match(lines[2] ?? '', 'key column `idd` is not declared');
  assert.match(lines[3] ?? '', 'fix: did you mean `id`?');
  assert.match(lines[4] ?? '', 'warning (file)');
});

const tables = suite('datasetTableName');

tables('is <source>__<dataset>; a name longer than Postgres allows is refused, naming it', () => {
  assert.is(datasetTableName('bank', 'payments'), 'bank__payments');
  assert.throws(() => datasetTableName('a'.repeat(40), 'b'.repeat(30)), /Postgres allows 63; shorten the source or dataset name/);
  try {
    datasetTableName('a'.repeat(40), 'b'.repeat(30));
  } catch (error) {
    assert.equal((error as { context: unknown }).context, { source: 'a'.repeat(40), dataset: 'b'.repeat(30), table: `${'a'.repeat(40)}__${'b'.repeat(30)}`, length: 72, max: 63 });
  }
});

closest.run();
tables.run();
secrets.run();
format.run();
