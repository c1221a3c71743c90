/**
 * The bank demo source through the real step functions of stack.yml behind the local gateway:
 * for each sample snapshot, extract (files) → bronze → silver for both datasets, then the gold
 * model `monthly_spending`, each step called synchronously as the orchestrator's dispatch would.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';

import superjson from 'superjson';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import type { LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import type { StepResult } from '#pipeline/steps.ts';
import { encodeSuperjson } from '#platform/function/superjsonBody.ts';
import type { TestDatabase, TestMongo } from '#support/database.ts';
import { startStackWorld } from '#support/stackWorld.ts';
import { createTestRun, finishTestRun } from '#support/stepRuns.ts';

type Context = { db: TestDatabase; mongo: TestMongo; dir: string; gateway: LocalGateway; close: () => Promise<void> };
const pipeline = suite<Context>('bank demo through the step functions');

pipeline.before(async (context) => {
  const world = await startStackWorld({ only: ['files', 'bronze', 'silver', 'gold'] });
  Object.assign(context, { db: world.db, mongo: world.mongo, dir: world.dir, gateway: world.gateway, close: world.close });
});

pipeline.after(async ({ close }) => close());

async function callStep(gateway: LocalGateway, functionName: string, request: Record<string, unknown>): Promise<StepResult> {
  const response = await fetch(`${gateway.url}/function/${functionName}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(encodeSuperjson(request)) });
  const body = (await response.json()) as never;
  assert.is(response.status, 200, `${functionName}: ${JSON.stringify(body)}`);
  return superjson.deserialize(body) as StepResult;
}

/** extract → bronze → silver of a new run of the dataset; returns the silver result. */
async function runDataset({ db, gateway }: Context, dataset: string): Promise<StepResult> {
  const runId = await createTestRun(db.pool, { source: 'bank', dataset, load: 'full' });
  const request = { runId, source: 'bank', dataset, chunk: 0 };
  const extracted = await callStep(gateway, 'files', { ...request, step: 'extract' });
  assert.is(extracted.status, 'done');
  assert.is(extracted.unchanged, false);
  const loaded = await callStep(gateway, 'bronze', { ...request, step: 'bronze' });
  assert.is(loaded.counts.inserted, extracted.counts.read);
  const merged = await callStep(gateway, 'silver', { ...request, step: 'silver' });
  await finishTestRun(db.pool, runId);
  return merged;
}

async function buildModel({ db, gateway }: Context, model: string): Promise<StepResult> {
  const runId = await createTestRun(db.pool, { kind: 'gold', source: 'gold', dataset: model });
  const built = await callStep(gateway, 'gold', { runId, source: 'gold', dataset: model, chunk: 0, step: 'gold' });
  await finishTestRun(db.pool, runId);
  return built;
}

const count = (table: 'bank__accounts' | 'bank__transactions', where: ReturnType<typeof sql.fragment>) => sql.type(z.object({ n: z.number() }))`
  SELECT count(*)::int AS n FROM ${sql.identifier(['silver', table])} WHERE ${where}`;
const monthRow = z.object({ month: z.string(), spent: z.string() });
const spendingByMonth = sql.type(monthRow)`SELECT month::text, sum(spent)::text AS spent FROM gold.monthly_spending GROUP BY month ORDER BY month`;

pipeline('snapshot 1: every account and transaction lands in silver, and monthly_spending is built from them', async (context) => {
  await cp(path.join(projectRoot, 'metadata/samples/bank/snapshot-1'), path.join(context.dir, 'inbox', 'bank'), { recursive: true });
  assert.is((await runDataset(context, 'accounts')).counts.inserted, 3);
  assert.is((await runDataset(context, 'transactions')).counts.inserted, 17);
  const built = await buildModel(context, 'monthly_spending');
  assert.is(built.detail.table, 'gold.monthly_spending');
  const months = await context.db.pool.any(spendingByMonth);
  assert.equal(months.map((row) => row.month), ['2026-01-01']);
  const spent = await context.db.pool.oneFirst(sql.type(z.object({ spent: z.string() }))`SELECT sum(-amount)::text AS spent FROM silver.bank__transactions WHERE amount < 0`);
  assert.is(months[0]?.spent, spent);
});

pipeline('snapshot 2: history in silver (new version, tombstone, scd 1 overwrite) and February in gold', async (context) => {
  await cp(path.join(projectRoot, 'metadata/samples/bank/snapshot-2'), path.join(context.dir, 'inbox', 'bank'), { recursive: true });
  const accounts = await runDataset(context, 'accounts');
  assert.equal([accounts.counts.updated, accounts.counts.closed], [3, 2], 'two balances versioned, one name overwritten');
  const transactions = await runDataset(context, 'transactions');
  assert.equal([transactions.counts.inserted, transactions.counts.deleted], [17, 1]);

  const { pool } = context.db;
  assert.is(await pool.oneFirst(count('bank__transactions', sql.fragment`_is_current AND NOT _is_deleted`)), 33);
  assert.is(await pool.oneFirst(count('bank__transactions', sql.fragment`true`)), 36);
  assert.is(await pool.oneFirst(count('bank__transactions', sql.fragment`transaction_id = 'T00005'`)), 2);
  assert.is(await pool.oneFirst(count('bank__transactions', sql.fragment`transaction_id = 'T00013' AND _is_current AND _is_deleted`)), 1);
  assert.is(await pool.oneFirst(count('bank__accounts', sql.fragment`iban = 'NL44DEMO0987654321' AND name = 'Summer holiday'`)), 1, 'renamed on its only version');
  assert.is(await pool.oneFirst(count('bank__accounts', sql.fragment`true`)), 5);

  await buildModel(context, 'monthly_spending');
  const months = await pool.any(spendingByMonth);
  assert.equal(months.map((row) => row.month), ['2026-01-01', '2026-02-01']);
  const january = await pool.oneFirst(sql.type(z.object({ spent: z.string() }))`
    SELECT sum(-amount)::text AS spent FROM silver.bank__transactions WHERE amount < 0 AND booked_on < '2026-02-01' AND _is_current AND NOT _is_deleted`);
  assert.is(months[0]?.spent, january, 'the reversed T00013 no longer counts, T00005 counts with its corrected amount');
});

pipeline.run();
