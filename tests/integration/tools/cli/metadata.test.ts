import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { main } from '#tools/cli/main.ts';
import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const test = suite('dp metadata');

let broken: string;

async function capture(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Runs the real `dp` entry point in its own process against `databaseUrl`. */
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

test.before(async () => {
  process.chdir(projectRoot);
  broken = await mkdtemp(path.join(os.tmpdir(), 'dp-metadata-broken-'));
  await cp(path.join(projectRoot, 'metadata'), broken, { recursive: true });
  const bank = path.join(broken, 'bank.yml');
  await writeFile(bank, (await readFile(bank, 'utf8')).replace('key: [transaction_id]', 'key: [transaction_idd]').replace('{ name: currency, type: text }', '{ name: currency, type: txt }'));
  const models = path.join(broken, 'gold', 'models.yml');
  await writeFile(models, (await readFile(models, 'utf8')).replace('depends_on: [gold.monthly_spending]', 'depends_on: [gold.monthly_spendings]'));
});

test.after(async () => {
  await rm(broken, { recursive: true, force: true });
});

test('`dp metadata validate metadata/` passes on the shipped examples', async () => {
  const result = await capture(['metadata', 'validate', 'metadata/']);
  assert.is(result.code, 0, result.out);
  assert.match(result.out, 'metadata: valid — 3 sources, 8 datasets, 3 gold models; hash ');
});

test('a broken copy fails with every error grouped by file, each with line, path and fix', async () => {
  const result = await capture(['metadata', 'validate', broken]);
  assert.is(result.code, 1);
  const lines = result.out.split('\n');
  const bankAt = lines.indexOf(`${broken}/bank.yml`);
  const goldAt = lines.indexOf(`${broken}/gold/models.yml`);
  assert.ok(bankAt >= 0 && goldAt > bankAt, result.out);
  assert.match(result.out, /\d+:\d+ +error +datasets\[0\]\.columns\[3\]\.type\n +`txt` is not a supported type; allowed: text, integer, bigint/);
  assert.match(result.out, /error +datasets\[1\]\.key\[0\]\n +key column `transaction_idd` is not declared in `columns`\n +fix: did you mean `transaction_id`\?/);
  assert.match(result.out, /error +models\[1\]\.depends_on\[0\]\n +`gold\.monthly_spendings` points at nothing: no gold model has that name\n +fix: did you mean `gold\.monthly_spending`\?/);
  assert.match(lines.at(-1) ?? '', /3 errors in 2 files/);
});

test('--json gives the same verdict and issues for scripts', async () => {
  const ok = await capture(['metadata', 'validate', 'metadata', '--json']);
  assert.is(ok.code, 0);
  assert.equal(JSON.parse(ok.out).ok, true);
  const failed = await capture(['metadata', 'validate', broken, '--json']);
  assert.is(failed.code, 1);
  const body = JSON.parse(failed.out) as { ok: boolean; errors: number; issues: { file: string; path: string; severity: string }[] };
  assert.equal([body.ok, body.errors], [false, 3]);
  assert.equal(body.issues.filter((issue) => issue.severity === 'error').map((issue) => `${issue.file} ${issue.path}`), [
    'bank.yml datasets[0].columns[3].type',
    'bank.yml datasets[1].key[0]',
    'gold/models.yml models[1].depends_on[0]',
  ]);
});

test('usage errors exit 2 and print the usage', async () => {
  for (const argv of [['metadata'], ['metadata', 'publish'], ['metadata', 'validate', '--jsn']]) {
    const result = await capture(argv);
    assert.is(result.code, 2, argv.join(' '));
    assert.match(result.err, 'dp metadata validate [dir]');
  }
});

test('`dp metadata sync` migrates, writes a version, and a second sync writes nothing; broken metadata syncs nothing', async () => {
  const db: TestDatabase = await createTestDatabase({ migrate: false });
  try {
    const refused = await dp(['metadata', 'sync', broken], db.url);
    assert.is(refused.code, 1);
    assert.match(refused.out, 'nothing was synced');

    const first = await dp(['metadata', 'sync', 'metadata'], db.url);
    assert.is(first.code, 0, first.err);
    assert.match(first.err, 'applied migration 0003_metadata_catalog.sql');
    assert.match(first.out, 'synced as metadata version 1');
    assert.match(first.out, 'datasets added:');

    const second = await dp(['metadata', 'sync', 'metadata', '--json'], db.url);
    assert.is(second.code, 0, second.err);
    const body = JSON.parse(second.out) as { synced: boolean; created: boolean; versionId: number };
    assert.equal([body.synced, body.created, body.versionId], [true, false, 1]);
    assert.is(await db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.metadata_versions`), 1n);
  } finally {
    await db.drop();
  }
});

test.run();
