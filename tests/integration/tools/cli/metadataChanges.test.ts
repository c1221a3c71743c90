/**
 * `dp metadata sync` says what a change does to silver before it writes, on a real catalog and silver table:
 * each change, its effect, and the `dp replay` command where a replay is the better path; `--dry-run` writes nothing.
 * Every kind the docs' table names (column added, removed, renamed, retyped, scd kind changed, key changed) is said;
 * a retype against silver is refused after it was said, unless `--allow-retype`.
 */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

type Context = { db: TestDatabase; changed: string };
const test = suite<Context>('dp metadata sync: what a change does to silver');

/** Runs the real `dp` in its own process against the test database. */
function dp(args: readonly string[], databaseUrl: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'tools/cli/dp.mjs'), ...args], { cwd: projectRoot, env: { ...process.env, DATABASE_URL: databaseUrl } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, out, err }));
  });
}

test.before(async (context) => {
  context.db = await createTestDatabase();
  context.changed = await mkdtemp(path.join(os.tmpdir(), 'dp-metadata-changed-'));
  await cp(path.join(projectRoot, 'metadata'), context.changed, { recursive: true });
  const bank = path.join(context.changed, 'bank.yml');
  await writeFile(
    bank,
    (await readFile(bank, 'utf8'))
      .replace('{ name: counterparty, type: text }', '{ name: counterparty, type: text, scd: 1 }')
      .replace('{ name: currency, type: text }\n      - { name: balance', '{ name: currency, type: text }\n      - { name: opened, type: date }\n      - { name: balance'),
  );
});
test.after(async (context) => {
  await context.db.drop();
  await rm(context.changed, { recursive: true, force: true });
});

const versions = sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM platform.metadata_versions`;

test('a first sync has nothing to compare; a change to a dataset with history is described, with its replay, before it is written', async ({ db, changed }) => {
  const first = await dp(['metadata', 'sync', path.join(projectRoot, 'metadata')], db.url);
  assert.is(first.code, 0, first.err);
  assert.not.match(first.out, /what the changed datasets/);
  // History in silver for bank.transactions; bank.accounts has none yet.
  await db.pool.query(sql.unsafe`CREATE TABLE silver.bank__transactions (transaction_id text, counterparty text)`);
  await db.pool.query(sql.unsafe`INSERT INTO silver.bank__transactions VALUES ('T1', 'Bakery')`);

  const dry = await dp(['metadata', 'sync', changed, '--dry-run'], db.url);
  assert.is(dry.code, 0, dry.err);
  assert.match(dry.out, /bank\.transactions \(silver\.bank__transactions holds history\)\n\s+column `counterparty` scd 2 → 1: the scd 2 hash no longer includes it: the next run opens a new version for every key whose value is not NULL.* — a replay is the better path\n\s+→ rebuild it .*: dp replay bank\.transactions/);
  assert.match(dry.out, /bank\.accounts \(silver\.bank__accounts, no history yet\)\n\s+column `opened` added \(scd 2\): silver\.bank__accounts holds no history yet/);
  assert.not.match(dry.out, /dp replay bank\.accounts/);
  assert.match(dry.out, /dry run — nothing written/);
  assert.is(await db.pool.oneFirst(versions), 1);

  const synced = await dp(['metadata', 'sync', changed], db.url);
  assert.is(synced.code, 0, synced.err);
  assert.ok(synced.out.indexOf('dp replay bank.transactions') < synced.out.indexOf('synced as metadata version 2'), 'said before it is written');
  assert.is(await db.pool.oneFirst(versions), 2);
  const json = await dp(['metadata', 'sync', changed, '--json', '--dry-run'], db.url);
  assert.equal(JSON.parse(json.out).changes, [], 'the catalog now holds the change');
});

/** The `changed` folder with one change of every kind to bank.transactions (the key too). */
async function everyKindOfChange(changed: string): Promise<string> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'dp-metadata-every-'));
  await cp(changed, folder, { recursive: true });
  const bank = path.join(folder, 'bank.yml');
  let text = await readFile(bank, 'utf8');
  const edits: ReadonlyArray<readonly [string, string]> = [
    ['key: [transaction_id]', 'key: [transaction_id, account_iban]'],
    ['{ name: amount, type: numeric, description: Negative for money going out }', '{ name: amount, type: text }'],
    ['      - { name: currency, type: text }\n      - { name: counterparty, type: text, scd: 1 }', '      - { name: payee, type: text, source: counterparty }'],
    ['{ name: category, type: text, scd: 1,', '{ name: category, type: text, scd: 2,'],
    ['{ name: description, type: text, scd: 1 }', '{ name: description, type: text, scd: 1 }\n      - { name: value_date, type: date }'],
  ];
  for (const [from, to] of edits) {
    assert.ok(text.includes(from), `bank.yml no longer has ${from}`);
    text = text.replace(from, to);
  }
  await writeFile(bank, text);
  return folder;
}

test('every kind of change is said with its effect; a retype against silver is refused, naming the replay, unless --allow-retype', async ({ db, changed }) => {
  await db.pool.query(sql.unsafe`ALTER TABLE silver.bank__transactions ADD COLUMN amount numeric`);
  const every = await everyKindOfChange(changed);
  try {
    const refused = await dp(['metadata', 'sync', every], db.url);
    assert.is(refused.code, 1, refused.out);
    const said = refused.out.split('\n').map((line) => line.trim());
    const expected = [
      /^key \(transaction_id\) → \(transaction_id, account_iban\): every record gets a new key hash, so no key matches its history.* — replay required$/,
      /^column `amount` retyped numeric → text: silver\.bank__transactions keeps `amount` as numeric .*loads of the dataset are refused until a replay.* — replay required$/,
      /^column `counterparty` renamed `payee` \(same source\): silver\.bank__transactions gets `payee`, NULL on every existing version, and keeps `counterparty`.*$/,
      /^column `category` scd 1 → 2: the scd 2 hash now includes it: the next run opens a new version for every key whose value is not NULL.* — a replay is the better path$/,
      /^column `value_date` added \(scd 2\): silver\.bank__transactions gets the column, NULL on every existing version.* — a replay is the better path$/,
      /^column `currency` removed \(scd 2\): silver\.bank__transactions keeps the column and its history.* — a replay is the better path$/,
      /^→ rebuild it from its raw files under the new metadata, after this sync: dp replay bank\.transactions /,
    ];
    for (const pattern of expected) assert.ok(said.some((line) => pattern.test(line)), `no line matches ${pattern}:\n${refused.out}`);
    assert.match(refused.err, /nothing was synced.*column `amount` is numeric in silver\.bank__transactions, text in the metadata.*--allow-retype.*dp replay bank\.transactions.*\[metadata\.column_retyped\]/s);
    assert.is(await db.pool.oneFirst(versions), 2, 'refused: nothing written');

    const allowed = await dp(['metadata', 'sync', every, '--allow-retype'], db.url);
    assert.is(allowed.code, 0, allowed.err);
    assert.match(allowed.out, /column retyped:\s+bank\.transactions\.amount numeric → text; silver\.bank__transactions keeps numeric and its loads are refused until `dp replay bank\.transactions` rebuilds it/);
    assert.is(await db.pool.oneFirst(versions), 3);
  } finally {
    await rm(every, { recursive: true, force: true });
  }
});

test.run();
