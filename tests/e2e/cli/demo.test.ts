/**
 * The demo end to end: `dp up --demo --exit` in its own process, on throwaway databases and a
 * temporary data folder — real services, the real gateway and functions, the real orchestrator.
 * Then again: the same exports are recognised and nothing changes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { projectRoot } from '#platform/env.ts';
import { sql } from '#platform/db/sql.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from '#support/database.ts';
import { freePort } from '#support/freePort.ts';
import { startDp } from '#support/startDp.ts';

type Context = { db: TestDatabase; mongo: TestMongo; dir: string; env: Record<string, string> };
const demo = suite<Context>('dp up --demo');

demo.before(async (context) => {
  context.db = await createTestDatabase({ migrate: false });
  context.mongo = await createTestMongo();
  context.dir = await mkdtemp(path.join(os.tmpdir(), 'dp-demo-'));
  const port = await freePort();
  context.env = {
    DATABASE_URL: context.db.url,
    MONGODB_URL: context.mongo.url,
    DP_DATA_DIR: context.dir,
    DP_GATEWAY_PORT: String(port),
    DP_GATEWAY_URL: `http://127.0.0.1:${port}`,
    DP_GATEWAY_PASSWORD: 'demo-test-password-7040',
    DP_LOG_LEVEL: 'info',
  };
});
demo.after(async ({ db, mongo, dir }) => {
  await db.drop();
  await mongo.drop();
  await rm(dir, { recursive: true, force: true });
});

const runCounts = sql.type(z.object({ kind: z.string(), status: z.string(), n: z.number() }))`
  SELECT kind, status, count(*)::int AS n FROM platform.runs GROUP BY 1, 2 ORDER BY 1, 2`;

/** `npm start` as a person types it, in its own process; resolves to its exit code and everything it printed, in order. */
function npmStart(env: Readonly<Record<string, string>>): Promise<{ code: number; output: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['start'], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output, stdout }));
  });
}

demo('`DP_DEMO_EXIT=1 npm start` loads both bank snapshots through every layer in at most 45 quiet lines, ending with the console', async ({ db, dir, env }) => {
  const { code, output, stdout: out } = await npmStart({ ...env, DP_DEMO_EXIT: '1' });
  assert.is(code, 0, output.slice(-4000));

  // a quiet terminal: progress and the summary only; the function logs went to files
  const lines = output.replace(/\n$/, '').split('\n');
  assert.ok(lines.length <= 45, `${lines.length} lines:\n${output}`);
  assert.match(lines.at(-1)!, new RegExp(`^console\\s+http://127\\.0\\.0\\.1:${env.DP_GATEWAY_PORT}/function/console/ — .*password: DP_GATEWAY_PASSWORD\\)$`));
  assert.not.match(output, /step\.started|function\.listening|gateway\.async_done|"level"/);
  const logs = await readdir(path.join(dir, 'logs'));
  for (const name of ['orchestrator.log', 'files.log', 'bronze.log', 'silver.log', 'gold.log', 'gateway.log']) assert.ok(logs.includes(name), `${name} in ${logs.join(', ')}`);
  assert.match(await readFile(path.join(dir, 'logs', 'silver.log'), 'utf8'), /"event":"step\.finished"/);

  // progress, per run
  assert.match(out, /snapshot-1: dropped accounts\.csv, transactions\.csv into /);
  assert.match(out, /bank\.transactions\s+succeeded\s+\S+ m?s\s+silver: 17 read, 17 inserted\n/);
  assert.match(out, /bank\.transactions\s+succeeded\s+\S+ m?s\s+silver: 33 read, 17 inserted, 2 updated, 2 closed, 1 deleted, 14 unchanged/);
  assert.match(out, /gold\.monthly_spending\s+succeeded\s+\S+ m?s\s+gold: 15 rows built/);
  assert.match(out, /snapshot-1 took \S+ m?s from the drop to the last model; in steps: extract \S+ m?s, bronze \S+ m?s, silver \S+ m?s, gold \S+ m?s/);
  // the summary
  assert.match(out, /silver\s+silver\.bank__accounts\s+3 current, 0 deleted, 5 versions in all/);
  assert.match(out, /silver\s+silver\.bank__transactions\s+33 current, 1 deleted, 36 versions in all/);
  assert.match(out, /bronze\s+bank__transactions \(collection\)\s+50 documents/);
  assert.match(out, /gold\s+gold\.monthly_spending\s+15 rows/);
  assert.match(out, /silver\.bank__transactions\s+T00005\s+amount=-99\.09 \(closed \d\d:\d\d:\d\dZ\) → amount=-100\.09 \(current\)/);
  assert.match(out, /silver\.bank__transactions\s+T00013\s+closed \d\d:\d\d:\d\dZ → deleted \(tombstone\)/);
  assert.match(out, /scd 1, overwritten in place without a new version: bank__accounts\.name; bank__transactions\.description, category/);
  assert.match(out, new RegExp(`=== Query it: psql "${db.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" ===`));
  assert.match(out, /SELECT transaction_id, amount, _valid_from, _valid_to, _is_current, _is_deleted FROM silver\.bank__transactions WHERE transaction_id IN \('T00005', 'T00013'\)/);

  // and the database agrees
  const runs = await db.pool.any(runCounts);
  // a model whose upstream changes twice in a row may see one trigger skipped (and rerun once): never a failure
  assert.ok(runs.every((row) => row.status === 'succeeded' || (row.kind === 'gold' && row.status === 'skipped')), JSON.stringify(runs));
  assert.is(runs.find((row) => row.kind === 'dataset' && row.status === 'succeeded')?.n, 4);
  assert.ok((runs.find((row) => row.kind === 'gold' && row.status === 'succeeded')?.n ?? 0) >= 4, 'both models rebuilt after each snapshot');
  const current = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM silver.bank__transactions WHERE _is_current AND NOT _is_deleted`);
  assert.is(current, 33);
  const months = await db.pool.any(sql.type(z.object({ month: z.string() }))`SELECT DISTINCT month::text FROM gold.monthly_spending ORDER BY 1`);
  assert.equal(months.map((row) => row.month), ['2026-01-01', '2026-02-01']);
  const committed = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM platform.imported_files WHERE committed_at IS NOT NULL`);
  assert.is(committed, 4);
  assert.equal(await readdir(path.join(dir, 'inbox', 'bank')), [], 'every export was imported and archived');
});

demo('a second demo recognises the same exports: nothing new, the same data', async ({ db, env }) => {
  const dp = startDp(['up', '--demo', '--exit'], env);
  const code = await dp.exited;
  const out = dp.stdout();
  assert.is(code, 0, `${out}\n${dp.stderr().slice(-3000)}`);
  assert.match(out, /snapshot-1: nothing new \(already loaded\)/);
  assert.match(out, /snapshot-2: nothing new \(already loaded\)/);
  assert.match(out, /silver\s+silver\.bank__transactions\s+33 current, 1 deleted, 36 versions in all/);
  const unchanged = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    SELECT count(*)::int AS n FROM platform.run_steps WHERE step = 'extract' AND unchanged`);
  assert.is(unchanged, 4);
  const duplicates = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM platform.imported_files`);
  assert.is(duplicates, 4, 'nothing imported twice');
});

demo.run();
