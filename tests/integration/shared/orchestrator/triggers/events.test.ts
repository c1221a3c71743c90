/**
 * Data-aware triggers: a silver change records an event and starts the gold models that read the dataset
 * directly; each gold run's success starts the models that read it, so every model rebuilds after its inputs.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import type { DispatchOrder } from '#orchestrator/dispatch/dispatcher.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { callbackFor, createHarness, syncFixtureMetadata, type Harness } from '#support/orchestratorHarness.ts';
import { FIXTURE_METADATA } from '../fixtureMetadata.ts';

type Context = { db: TestDatabase; h: Harness };
const test = suite<Context>('orchestrator events');

test.before(async (context) => {
  context.db = await createTestDatabase();
  await syncFixtureMetadata(context.db.pool, FIXTURE_METADATA);
});

test.before.each(async (context) => {
  await context.db.pool.query(sql.unsafe`TRUNCATE platform.runs, platform.events CASCADE`);
  context.h = createHarness(context.db.pool);
});

test.after(async ({ db }) => {
  await db.drop();
});

/** Runs a dataset through extract, bronze and silver; silver reports `silverCounts`. Returns the run id. */
async function runDataset(h: Harness, dataset: string, silverCounts: Record<string, number>): Promise<string> {
  await h.orchestrator.startRuns({ source: 'shop', dataset, full: false, trigger: 'manual' });
  const [extract] = h.dispatcher.take();
  await h.orchestrator.handleCallback(callbackFor(extract!, { status: 'done' }));
  await h.orchestrator.handleCallback(callbackFor(h.dispatcher.take()[0]!, { status: 'done' }));
  await h.orchestrator.handleCallback(callbackFor(h.dispatcher.take()[0]!, { status: 'done', counts: silverCounts }));
  return extract!.target.runId;
}

const goldRuns = (db: TestDatabase) => db.pool.any(sql.type(z.object({ run_id: z.string(), dataset: z.string(), status: z.string(), trigger_kind: z.string(), trigger_detail: z.record(z.string(), z.unknown()), skipped_for: z.string().nullable() }))`
  SELECT run_id, dataset, status, trigger_kind, trigger_detail, skipped_for FROM platform.runs WHERE kind = 'gold' ORDER BY created_at, dataset`);

const goldOrder = (orders: DispatchOrder[], model: string) => orders.find((order) => order.request.dataset === model);

test('a silver change records silver_changed and starts the models that read the dataset directly', async ({ db, h }) => {
  const runId = await runDataset(h, 'orders', { inserted: 3, updated: 1 });
  const event = await db.pool.one(sql.type(z.object({ kind: z.string(), source: z.string(), dataset: z.string(), run_id: z.string(), payload: z.object({ counts: z.record(z.string(), z.number()), started: z.array(z.string()), skipped: z.array(z.string()) }) }))`
    SELECT kind, source, dataset, run_id, payload FROM platform.events`);
  assert.equal([event.kind, event.source, event.dataset, event.run_id], ['silver_changed', 'shop', 'orders', runId]);
  assert.is(event.payload.counts.inserted, 3);
  const gold = await goldRuns(db);
  assert.equal(gold.map((run) => [run.dataset, run.status, run.trigger_kind]), [['revenue', 'running', 'event']], 'only the direct dependent; customer_value and dashboard wait for revenue');
  assert.equal(gold[0]!.trigger_detail, { event: 'silver_changed', upstream: 'shop.orders', upstream_run: runId });
  assert.equal(event.payload.started, [gold[0]!.run_id]);
  const [order] = h.dispatcher.take();
  assert.equal([order?.functionName, order?.request.source, order?.request.dataset, order?.target.step], ['gold', 'gold', 'revenue', 'gold']);
});

test("a gold run's success records gold_changed and starts the next models in order, down to the last", async ({ db, h }) => {
  await runDataset(h, 'orders', { inserted: 1 });
  const revenue = h.dispatcher.take()[0]!;
  const done = await h.orchestrator.handleCallback(callbackFor(revenue, { status: 'done', counts: { inserted: 12 } }));
  assert.is((done.body as { outcome: string }).outcome, 'run_succeeded');
  const afterRevenue = h.dispatcher.take();
  assert.equal(afterRevenue.map((order) => order.request.dataset), ['customer_value'], 'dashboard also reads customer_value, so it waits for it');
  await h.orchestrator.handleCallback(callbackFor(afterRevenue[0]!, { status: 'done' }));
  const afterValue = h.dispatcher.take();
  assert.equal(afterValue.map((order) => order.request.dataset), ['dashboard']);
  await h.orchestrator.handleCallback(callbackFor(afterValue[0]!, { status: 'done' }));
  assert.equal(h.dispatcher.take(), []);
  const kinds = await db.pool.anyFirst(sql.type(z.object({ kind: z.string() }))`SELECT kind || ':' || dataset AS kind FROM platform.events ORDER BY event_id`);
  assert.equal(kinds, ['silver_changed:orders', 'gold_changed:revenue', 'gold_changed:customer_value', 'gold_changed:dashboard']);
  assert.equal((await goldRuns(db)).map((run) => run.status), ['succeeded', 'succeeded', 'succeeded']);
});

test('a silver merge that changed nothing records no event and starts no model', async ({ db, h }) => {
  await runDataset(h, 'orders', { read: 10, unchanged: 10 });
  assert.equal(await goldRuns(db), []);
  assert.equal(h.dispatcher.take(), []);
});

test('a change that arrives while its model is rebuilding is skipped, and the model is rebuilt once more afterwards', async ({ db, h }) => {
  await runDataset(h, 'orders', { inserted: 1 });
  const revenue = goldOrder(h.dispatcher.take(), 'revenue')!;
  await h.orchestrator.handleCallback(callbackFor(revenue, { status: 'done' }));
  const value = goldOrder(h.dispatcher.take(), 'customer_value')!;
  // customer_value is rebuilding (its function claimed the step) when shop.customers changes.
  await db.pool.query(sql.unsafe`UPDATE platform.run_steps SET status = 'running', started_at = now() WHERE run_id = ${value.target.runId}`);
  await runDataset(h, 'customers', { updated: 2 });
  const skipped = (await goldRuns(db)).filter((run) => run.status === 'skipped');
  assert.equal(skipped.map((run) => [run.dataset, run.skipped_for]), [['customer_value', value.target.runId]]);
  assert.equal(h.dispatcher.take(), []);

  await h.orchestrator.handleCallback(callbackFor(value, { status: 'done' }));
  const next = h.dispatcher.take();
  assert.equal(next.map((order) => order.request.dataset).sort(), ['customer_value', 'dashboard'], 'the follow-up rebuild and the dependent');
  const rerun = (await goldRuns(db)).find((run) => run.run_id === goldOrder(next, 'customer_value')!.target.runId)!;
  assert.equal(rerun.trigger_detail, { event: 'rerun', upstream_run: value.target.runId, skipped: [skipped[0]!.run_id] });
});

test('a change that arrives while its model still waits in the queue is skipped without a second rebuild: the queued one reads it', async ({ db, h }) => {
  await runDataset(h, 'orders', { inserted: 1 });
  await h.orchestrator.handleCallback(callbackFor(goldOrder(h.dispatcher.take(), 'revenue')!, { status: 'done' }));
  const value = goldOrder(h.dispatcher.take(), 'customer_value')!;
  await runDataset(h, 'customers', { updated: 2 });
  const skipped = (await goldRuns(db)).filter((run) => run.status === 'skipped');
  assert.equal(skipped.map((run) => [run.dataset, run.trigger_detail.active_run_started]), [['customer_value', false]]);
  await h.orchestrator.handleCallback(callbackFor(value, { status: 'done' }));
  assert.equal(h.dispatcher.take().map((order) => order.request.dataset), ['dashboard'], 'no follow-up rebuild of customer_value');
});

test.run();
