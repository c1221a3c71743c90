import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import type { MetadataIssue } from '#metadata/metadataIssue.ts';
import { validateMetadata, type MetadataFileText } from '#metadata/validateMetadata.ts';

const test = suite('validateMetadata');

const SHOP = `source: shop
connector: rest
datasets:
  - name: orders
    load: delta
    key: [id]
    deleted_flag: deleted
    columns:
      - { name: id, type: bigint }
      - { name: total, type: numeric }
      - { name: deleted, type: boolean }
`;

const GOLD = `models:
  - name: order_totals
    sql: gold/order_totals.sql
    depends_on: [shop.orders]
`;

const TOTALS_SQL = 'SELECT sum(total) AS total FROM silver.shop__orders WHERE _is_current AND NOT _is_deleted\n';

function folder(overrides: Record<string, string | undefined> = {}): MetadataFileText[] {
  const entries: Record<string, string | undefined> = { 'shop.yml': SHOP, 'gold/models.yml': GOLD, 'gold/order_totals.sql': TOTALS_SQL, ...overrides };
  return Object.entries(entries).flatMap(([path, text]) => (text === undefined ? [] : [{ path, text }]));
}

const errorsOf = (files: MetadataFileText[], options = {}): MetadataIssue[] => validateMetadata(files, options).issues.filter((issue) => issue.severity === 'error');

function only(issues: readonly MetadataIssue[], code: string): MetadataIssue {
  const matching = issues.filter((issue) => issue.code === code);
  assert.is(matching.length, 1, `expected one ${code}, got: ${JSON.stringify(issues, null, 2)}`);
  return matching[0] as MetadataIssue;
}

test('a valid folder parses into frozen metadata with defaults applied and no issue', () => {
  const result = validateMetadata(folder());
  assert.equal(result.issues, []);
  const metadata = result.metadata;
  assert.ok(metadata);
  const dataset = metadata.sources[0]?.datasets[0];
  assert.equal(dataset?.columns.map((column) => column.scd), [2, 2, 2]);
  assert.equal(dataset?.extract, {});
  assert.is(metadata.modelSql.order_totals, TOTALS_SQL.trim());
  assert.match(metadata.hash, /^[0-9a-f]{64}$/);
  assert.ok(Object.isFrozen(dataset?.columns[0]));
  assert.equal(result.files, ['shop.yml', 'gold/models.yml']);
});

test('raw files compressed after they are deleted is an error naming both settings; compressed before is fine', () => {
  const late = only(errorsOf(folder({ 'shop.yml': SHOP.replace('load: delta', 'load: delta\n    retention: { raw_days: 30, raw_compress_days: 30 }') })), 'metadata.retention_order');
  assert.is(late.path, 'datasets[0].retention.raw_compress_days');
  assert.match(late.message, /deleted after 30 days, before they would be compressed after 30/);
  assert.match(late.fix ?? '', /below 30/);
  const fine = validateMetadata(folder({ 'shop.yml': SHOP.replace('load: delta', 'load: delta\n    retention: { raw_days: 30, raw_compress_days: 7 }') }));
  assert.equal(fine.issues, []);
  assert.equal(fine.metadata?.sources[0]?.datasets[0]?.retention, { raw_days: 30, raw_compress_days: 7 });
});

test('the hash ignores comments, layout and key order, and changes with the content', () => {
  const base = validateMetadata(folder()).metadata?.hash;
  const reformatted = `# my shop\nconnector: rest\nsource: shop\ndatasets:\n  - name: orders\n    key:\n      - id\n    load: delta\n    deleted_flag: deleted\n    columns:\n      - name: id\n        type: bigint\n      - { type: numeric, name: total }\n      - { name: deleted, type: boolean }\n`;
  assert.is(validateMetadata(folder({ 'shop.yml': reformatted, 'gold/order_totals.sql': `${TOTALS_SQL.trim()};\r\n\r\n` })).metadata?.hash, base);
  const changed = validateMetadata(folder({ 'shop.yml': SHOP.replace('type: numeric', 'type: bigint') })).metadata?.hash;
  assert.ok(changed !== undefined && changed !== base);
});

test('unknown column type: path, line, the allowed list and the closest type', () => {
  const issue = only(errorsOf(folder({ 'shop.yml': SHOP.replace('type: numeric', 'type: money') })), 'metadata.invalid_value');
  assert.is(issue.file, 'shop.yml');
  assert.is(issue.path, 'datasets[0].columns[1].type');
  assert.is(issue.line, 10);
  assert.match(issue.message, '`money` is not a supported type; allowed: text, integer, bigint, numeric, double precision, boolean, date, timestamptz, jsonb, uuid');
  assert.is(issue.fix, 'use `numeric`');
  const int = only(errorsOf(folder({ 'shop.yml': SHOP.replace('type: numeric', 'type: int') })), 'metadata.invalid_value');
  assert.is(int.fix, 'use `integer`');
});

test('key column not declared: the key entry is named, with the closest column', () => {
  const issue = only(errorsOf(folder({ 'shop.yml': SHOP.replace('key: [id]', 'key: [idd]') })), 'metadata.key_not_declared');
  assert.is(issue.path, 'datasets[0].key[0]');
  assert.is(issue.line, 6);
  assert.match(issue.message, 'key column `idd` is not declared in `columns`');
  assert.match(issue.fix, 'did you mean `id`?');
});

test('deleted flag must be a declared boolean column', () => {
  const missing = only(errorsOf(folder({ 'shop.yml': SHOP.replace('deleted_flag: deleted', 'deleted_flag: removed') })), 'metadata.deleted_flag_not_declared');
  assert.is(missing.path, 'datasets[0].deleted_flag');
  const wrongType = only(errorsOf(folder({ 'shop.yml': SHOP.replace('{ name: deleted, type: boolean }', '{ name: deleted, type: text }') })), 'metadata.deleted_flag_not_boolean');
  assert.is(wrongType.path, 'datasets[0].deleted_flag');
  assert.match(wrongType.fix, 'columns[2]');
});

test('duplicate dataset and column names point at the second declaration', () => {
  const twice = `${SHOP}  - name: orders\n    load: full\n    key: [id]\n    columns:\n      - { name: id, type: bigint }\n      - { name: id, type: text }\n`;
  const errors = errorsOf(folder({ 'shop.yml': twice }));
  const paths = errors.filter((issue) => issue.code === 'metadata.duplicate_name').map((issue) => issue.path);
  assert.equal(paths, ['datasets[1].name', 'datasets[1].columns[1].name']);
});

test('depends_on pointing at nothing names the entry and the closest dataset', () => {
  const gold = GOLD.replace('depends_on: [shop.orders]', 'depends_on: [shop.orders, shop.order]');
  const issue = only(errorsOf(folder({ 'gold/models.yml': gold })), 'metadata.unknown_dependency');
  assert.is(issue.file, 'gold/models.yml');
  assert.is(issue.path, 'models[0].depends_on[1]');
  assert.match(issue.message, '`shop.order` points at nothing');
  assert.match(issue.fix, 'did you mean `shop.orders`?');
  const model = only(errorsOf(folder({ 'gold/models.yml': GOLD.replace('[shop.orders]', '[gold.nothing]') })), 'metadata.unknown_dependency');
  assert.match(model.message, 'no gold model has that name');
});

test('a cycle between gold models is reported once, naming the models in order', () => {
  const gold = `models:
  - name: a
    sql: gold/a.sql
    depends_on: [gold.b]
  - name: b
    sql: gold/b.sql
    depends_on: [shop.orders, gold.a]
`;
  const errors = errorsOf(folder({ 'gold/models.yml': gold, 'gold/a.sql': 'SELECT * FROM gold.b', 'gold/b.sql': 'SELECT * FROM silver.shop__orders JOIN gold.a ON true', 'gold/order_totals.sql': undefined }));
  const issue = only(errors, 'metadata.dependency_cycle');
  assert.is(issue.path, 'models[1].depends_on[1]');
  assert.match(issue.message, 'gold.a → gold.b → gold.a');
  const self = only(errorsOf(folder({ 'gold/models.yml': GOLD.replace('[shop.orders]', '[shop.orders, gold.order_totals]') })), 'metadata.dependency_cycle');
  assert.is(self.path, 'models[0].depends_on[1]');
});

test('bad names: the message quotes the name and the fix proposes a valid one', () => {
  const errors = errorsOf(folder({ 'shop.yml': SHOP.replace('name: orders', 'name: Orders').replace('name: total', "name: '2fa total'") }));
  const names = errors.filter((issue) => issue.code === 'metadata.bad_name');
  assert.equal(names.map((issue) => issue.path), ['datasets[0].name', 'datasets[0].columns[1].name']);
  assert.match(names[0]?.message ?? '', '`Orders` must match ^[a-z][a-z0-9_]*$');
  assert.match(names[0]?.fix ?? '', '`orders`');
  assert.match(names[1]?.fix ?? '', '`n_2fa_total`');
  const separator = only(errorsOf(folder({ 'shop.yml': SHOP.replace('name: orders', 'name: web__orders') })), 'metadata.bad_name');
  assert.match(separator.message, '`__`');
});

test('secret values where only secret names belong are rejected without repeating the value', () => {
  const token = 'ghp_R2d2C3poBb8Yoda42LukeLeia99Han0Solo1';
  const hex = '9f8e7d6c5b4a39281726354433221100aabbccdd';
  const yaml = SHOP.replace('connector: rest\n', `connector: rest\nconfig:\n  base_url: https://api.example.com\n  budget_id: 0f8e6c1a-3b5d-4e2f-9a7c-1d2e3f4a5b6c\n  api_key: ${hex}\n  password: hunter2\n  url: https://me:pa55w0rd@example.com/x\n  headers:\n    Authorization: Bearer ${token}\nsecrets:\n  token: ${token}\n  other: shop-token\n`);
  const issues = errorsOf(folder({ 'shop.yml': yaml }));
  const secretPaths = issues.filter((issue) => issue.code === 'metadata.secret_literal').map((issue) => issue.path);
  assert.equal(secretPaths.sort(), ['config.api_key', 'config.headers.Authorization', 'config.password', 'config.url', 'secrets.token']);
  // The zod name check of `secrets.token` is replaced by the clearer secret message, not added to it.
  assert.is(issues.length, 5);
  const everything = JSON.stringify(issues);
  for (const value of [token, hex, 'hunter2', 'pa55w0rd']) {
    assert.not.match(everything, value);
  }
});

test('a secret name faas-cli would refuse (github_token) is reported with the name it accepts', () => {
  const yaml = SHOP.replace('connector: rest\n', 'connector: rest\nconfig: { base_url: https://x.test }\nsecrets: { token: shop_token }\nwebhook_secret: Pa55_word!\n');
  const issues = errorsOf(folder({ 'shop.yml': yaml })).filter((issue) => issue.code === 'metadata.bad_secret_name');
  assert.equal(issues.map((issue) => issue.path), ['secrets.token', 'webhook_secret']);
  assert.match(issues[0]!.fix, '`shop-token`');
  assert.not.match(JSON.stringify(issues[1]), 'Pa55', 'what may be a pasted value is not echoed');
});

test('unknown keys anywhere get the closest known key', () => {
  const yaml = SHOP.replace('connector: rest', 'conector: rest').replace('{ name: total, type: numeric }', '{ name: total, type: numeric, sorce: amount }').replace('load: delta', 'load: delta\n    retention: { raw_day: 3 }');
  const gold = GOLD.replace('depends_on:', 'depend_on:');
  const issues = errorsOf(folder({ 'shop.yml': yaml, 'gold/models.yml': gold })).filter((issue) => issue.code === 'metadata.unknown_key');
  assert.equal(
    issues.map((issue) => [issue.file, issue.path, issue.fix.split('?')[0]]),
    [
      ['gold/models.yml', 'models[0].depend_on', 'did you mean `depends_on`'],
      ['shop.yml', 'conector', 'did you mean `connector`'],
      ['shop.yml', 'datasets[0].retention.raw_day', 'did you mean `raw_days`'],
      ['shop.yml', 'datasets[0].columns[1].sorce', 'did you mean `source`'],
    ],
  );
  assert.is(issues[1]?.line, 2);
  assert.is(issues[1]?.column, 1);
});

test('a misspelt required key is one issue, not also a missing key', () => {
  const issues = errorsOf(folder({ 'shop.yml': SHOP.replace('load: delta', 'lod: delta') }));
  assert.equal(issues.map((issue) => [issue.path, issue.code]), [['datasets[0].lod', 'metadata.unknown_key']]);
});

test('connector settings are checked against the schemas a connector registers', () => {
  const connectors = {
    rest: {
      config: z.strictObject({ base_url: z.string() }),
      extract: z.strictObject({ path: z.string(), records_path: z.string().optional() }),
      secretRoles: ['token'],
    },
  };
  const yaml = SHOP.replace('connector: rest\n', 'connector: rest\nconfig: { base_url: https://x.test }\nsecrets: { tokn: shop-token }\n').replace('deleted_flag: deleted', 'deleted_flag: deleted\n    extract: { path: /orders, recods_path: data }');
  const issues = errorsOf(folder({ 'shop.yml': yaml }), { connectors });
  assert.equal(issues.map((issue) => [issue.path, issue.code]), [
    ['secrets.tokn', 'metadata.unknown_secret_role'],
    ['datasets[0].extract.recods_path', 'metadata.unknown_key'],
  ]);
  assert.match(issues[1]?.fix ?? '', 'did you mean `records_path`?');
  const missing = errorsOf(folder({ 'shop.yml': SHOP.replace('connector: rest\n', 'connector: rest\nconfig: { base_url: https://x.test }\n') }), { connectors });
  assert.equal(missing.map((issue) => [issue.path, issue.code]), [['datasets[0].extract.path', 'metadata.missing_key']]);
  const unknown = only(errorsOf(folder({ 'shop.yml': SHOP.replace('connector: rest', 'connector: rset') }), { connectors }), 'metadata.unknown_connector');
  assert.match(unknown.fix, 'did you mean `rest`?');
});

test('a gold model whose SQL file is missing, outside the folder or not a query', () => {
  const missing = only(errorsOf(folder({ 'gold/models.yml': GOLD.replace('gold/order_totals.sql', 'order_totals.sql') })), 'metadata.sql_missing');
  assert.is(missing.path, 'models[0].sql');
  assert.match(missing.fix, 'did you mean `gold/order_totals.sql`?');
  const outside = only(errorsOf(folder({ 'gold/models.yml': GOLD.replace('gold/order_totals.sql', '../secrets.sql') })), 'metadata.sql_outside_folder');
  assert.is(outside.path, 'models[0].sql');
  const twoStatements = only(errorsOf(folder({ 'gold/order_totals.sql': 'DELETE FROM silver.shop__orders; SELECT 1' })), 'metadata.sql_invalid');
  assert.match(twoStatements.message, 'holds more than one statement (DELETE, SELECT)');
});

test('SQL and depends_on that disagree are warnings, not errors', () => {
  const result = validateMetadata(folder({ 'gold/order_totals.sql': 'SELECT * FROM silver.shop__orders JOIN silver.shop__customers USING (id)' }));
  assert.ok(result.metadata, 'warnings do not block');
  const warning = only(result.issues, 'metadata.dependency_not_listed');
  assert.is(warning.severity, 'warning');
  assert.match(warning.message, 'silver.shop__customers');
});

test('scd on a key column is a warning: keys never change', () => {
  const result = validateMetadata(folder({ 'shop.yml': SHOP.replace('{ name: id, type: bigint }', '{ name: id, type: bigint, scd: 1 }') }));
  assert.ok(result.metadata);
  assert.is(only(result.issues, 'metadata.scd_on_key').path, 'datasets[0].columns[0].scd');
});

test('a value of the wrong kind says what was expected and what was found', () => {
  const issue = only(errorsOf(folder({ 'shop.yml': SHOP.replace('key: [id]', 'key: id') })), 'metadata.invalid_type');
  assert.is(issue.path, 'datasets[0].key');
  assert.match(issue.message, 'must be a list');
  assert.match(issue.message, 'not text');
});

test('files outside the layout and SQL no model uses are warnings', () => {
  const result = validateMetadata(folder({ 'old/shop.yml': SHOP, 'gold/unused.sql': 'SELECT 1' }));
  assert.ok(result.metadata);
  assert.equal(result.issues.map((issue) => [issue.file, issue.code, issue.severity]), [
    ['gold/unused.sql', 'metadata.unused_sql', 'warning'],
    ['old/shop.yml', 'metadata.file_ignored', 'warning'],
  ]);
});

test('every error of a file is reported at once', () => {
  const yaml = SHOP.replace('connector: rest', 'connector: rest\nextra: 1')
    .replace('load: delta', 'load: sometimes')
    .replace('key: [id]', 'key: [idd]')
    .replace('type: numeric', 'type: money')
    .replace('deleted_flag: deleted', 'deleted_flag: gone');
  const issues = errorsOf(folder({ 'shop.yml': yaml }));
  assert.equal(issues.map((issue) => issue.path), ['extra', 'datasets[0].load', 'datasets[0].key[0]', 'datasets[0].deleted_flag', 'datasets[0].columns[1].type']);
});

test('file-level problems: YAML syntax with its line, file name, schedules, empty folders and files', () => {
  const syntax = errorsOf(folder({ 'shop.yml': SHOP.replace('load: delta', 'load: delta\n    load: full') }));
  assert.equal(syntax.map((issue) => [issue.code, issue.line]), [['metadata.yaml_syntax', 6]]);
  const renamed = only(errorsOf(folder({ 'shop.yml': undefined, 'store.yml': SHOP })), 'metadata.file_name_mismatch');
  assert.equal([renamed.file, renamed.path], ['store.yml', 'source']);
  assert.match(renamed.fix, 'rename the file to `shop.yml`, or write `source: store`');
  const schedule = only(errorsOf(folder({ 'shop.yml': SHOP.replace('key: [id]', "key: [id]\n    trigger: { schedule: '0 25 * * *' }") })), 'metadata.invalid');
  assert.is(schedule.path, 'datasets[0].trigger.schedule');
  assert.match(schedule.message, 'hour `25` is outside 0-23');
  assert.equal(errorsOf([]).map((issue) => issue.code), ['metadata.no_sources']);
  const empty = only(errorsOf(folder({ 'shop.yml': '' })), 'metadata.invalid_type');
  assert.is(empty.message, 'the file is empty');
});

test('a dataset whose table name would not fit in Postgres is reported at its name, with the length', () => {
  const [source, dataset] = ['s'.repeat(20), 'o'.repeat(48)];
  const text = SHOP.replace('source: shop', `source: ${source}`).replace('- name: orders', `- name: ${dataset}`);
  const issue = only(errorsOf(folder({ 'shop.yml': undefined, [`${source}.yml`]: text, 'gold/models.yml': undefined, 'gold/order_totals.sql': undefined })), 'metadata.name_too_long');
  assert.is(issue.path, 'datasets[0].name');
  assert.match(issue.message, `the silver table name \`${source}__${dataset}\` has 70 characters; Postgres allows 63`);
});

test.run();
