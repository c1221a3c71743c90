/**
 * The real stack end to end: the files function's cron asks the orchestrator to start the bank demo
 * source, and the orchestrator takes both datasets through the real extract, bronze and silver
 * functions, then rebuilds the gold models that read them (monthly_spending, then yearly_spending) from
 * the silver_changed and gold_changed events — all through the local gateway's async queue and callbacks.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import type { ScheduleDriver } from '#tools/gateway/createScheduleDriver.ts';
import type { LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import type { TestDatabase, TestMongo } from '#support/database.ts';
import { startStackWorld } from '#support/stackWorld.ts';

type Context = { db: TestDatabase; mongo: TestMongo; dir: string; gateway: LocalGateway; close: () => Promise<void>; fires: Map<string, () => void> };
const e2e = suite<Context>('a scheduled trigger through every layer');

e2e.before(async (context) => {
  context.fires = new Map();
  const driver: ScheduleDriver = {
    schedule: (spec, fire) => {
      context.fires.set(spec.text, fire);
      return { cancel: () => undefined };
    },
  };
  const world = await startStackWorld({ only: ['orchestrator', 'files', 'bronze', 'silver', 'gold'], scheduleDriver: driver, logLevel: 'error' });
  Object.assign(context, { db: world.db, mongo: world.mongo, dir: world.dir, gateway: world.gateway, close: world.close });
});

e2e.after(async ({ close }) => close());

const runRow = z.object({ run_id: z.string(), kind: z.string(), dataset: z.string(), status: z.string(), trigger_kind: z.string(), error: z.unknown() });
const runs = (db: TestDatabase) => db.pool.any(sql.type(runRow)`SELECT run_id, kind, dataset, status, trigger_kind, error FROM platform.runs ORDER BY created_at, dataset`);

/** Waits until runs exist and none is active, then until the queue is empty (callbacks included). */
async function settle({ db, gateway }: Context, expectedRuns: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const all = await runs(db);
    if (all.length >= expectedRuns && all.every((run) => run.status !== 'running' && run.status !== 'pending')) break;
    if (Date.now() > deadline) throw new Error(`runs did not settle: ${JSON.stringify(all)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await gateway.idle();
}

const count = (table: string, where: ReturnType<typeof sql.fragment>) => sql.type(z.object({ n: z.number() }))`
  SELECT count(*)::int AS n FROM ${sql.identifier(['silver', table])} WHERE ${where}`;

e2e("the files cron starts the bank source; both datasets reach silver and the models reading them are rebuilt in order", async (context) => {
  const { db, fires } = context;
  await cp(path.join(projectRoot, 'metadata/samples/bank/snapshot-1'), path.join(context.dir, 'inbox', 'bank'), { recursive: true });
  fires.get('*/15 * * * *')!(); // the files function's schedule in stack.yml
  await settle(context, 2);

  const dataset = (await runs(db)).filter((run) => run.kind === 'dataset');
  assert.equal(dataset.map((run) => [run.dataset, run.status, run.trigger_kind]), [['accounts', 'succeeded', 'schedule'], ['transactions', 'succeeded', 'schedule']]);
  assert.is(await db.pool.oneFirst(count('bank__accounts', sql.fragment`_is_current`)), 3);
  assert.is(await db.pool.oneFirst(count('bank__transactions', sql.fragment`_is_current`)), 17);

  const gold = (await runs(db)).filter((run) => run.kind === 'gold');
  assert.equal(gold.map((run) => [run.dataset, run.status, run.trigger_kind]), [
    ['monthly_spending', 'succeeded', 'event'],
    ['monthly_spending', 'skipped', 'event'],
    ['yearly_spending', 'succeeded', 'event'],
  ], 'monthly_spending once (the second change found it queued), then yearly_spending, which reads it');
  const events = await db.pool.anyFirst(sql.type(z.object({ e: z.string() }))`SELECT DISTINCT kind || ':' || dataset AS e FROM platform.events ORDER BY 1`);
  assert.equal(events, ['gold_changed:monthly_spending', 'gold_changed:yearly_spending', 'silver_changed:accounts', 'silver_changed:transactions']);
  const months = await db.pool.anyFirst(sql.type(z.object({ month: z.string() }))`SELECT DISTINCT month::text AS month FROM gold.monthly_spending ORDER BY 1`);
  assert.equal(months, ['2026-01-01']);
});

e2e('the next snapshot on the next cron: history in silver, February in gold; an empty inbox afterwards changes nothing', async (context) => {
  const { db, fires } = context;
  await cp(path.join(projectRoot, 'metadata/samples/bank/snapshot-2'), path.join(context.dir, 'inbox', 'bank'), { recursive: true });
  const before = (await runs(db)).length;
  fires.get('*/15 * * * *')!();
  await settle(context, before + 2);
  assert.is(await db.pool.oneFirst(count('bank__transactions', sql.fragment`_is_current AND NOT _is_deleted`)), 33);
  assert.is(await db.pool.oneFirst(count('bank__transactions', sql.fragment`_is_current AND _is_deleted`)), 1);
  const months = await db.pool.anyFirst(sql.type(z.object({ month: z.string() }))`SELECT DISTINCT month::text AS month FROM gold.monthly_spending ORDER BY 1`);
  assert.equal(months, ['2026-01-01', '2026-02-01']);

  const settled = (await runs(db)).length;
  fires.get('*/15 * * * *')!();
  await settle(context, settled + 2);
  const last = (await runs(db)).slice(settled);
  assert.equal(last.map((run) => [run.kind, run.dataset, run.status]), [['dataset', 'accounts', 'succeeded'], ['dataset', 'transactions', 'succeeded']], 'nothing new in the inbox: no bronze, no silver, no gold');
  const steps = await db.pool.anyFirst(sql.type(z.object({ step: z.string() }))`
    SELECT DISTINCT step FROM platform.run_steps WHERE run_id = ANY(${sql.array(last.map((run) => run.run_id), 'text')})`);
  assert.equal(steps, ['extract']);
});

e2e.run();
