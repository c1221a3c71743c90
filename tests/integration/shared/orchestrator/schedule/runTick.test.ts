/**
 * The reconcile tick: outcomes whose callback never came, overdue steps, steps a crash left unsent, and
 * per-dataset schedules (caught up once). Steps record themselves through the real runStepOnce.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { TransientError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import { openRun } from '#orchestrator/runs/openRun.ts';
import type { DispatchOrder } from '#orchestrator/dispatch/dispatcher.ts';
import { runStepOnce } from '#pipeline/runStepOnce.ts';
import type { StepOutcomeInput } from '#pipeline/steps.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { createHarness, syncFixtureMetadata, type Harness } from '#support/orchestratorHarness.ts';
import { FIXTURE_METADATA } from '../fixtureMetadata.ts';

type Context = { db: TestDatabase; h: Harness };
const test = suite<Context>('orchestrator tick');
const quiet = createLogger({ level: 'error', sink: () => undefined });

test.before(async (context) => {
  context.db = await createTestDatabase();
  await syncFixtureMetadata(context.db.pool, FIXTURE_METADATA);
});

test.before.each(async (context) => {
  await context.db.pool.query(sql.unsafe`TRUNCATE platform.runs, platform.events, platform.schedule_slots CASCADE`);
  context.h = createHarness(context.db.pool, { config: { maxAttempts: 2, callbackTimeoutMs: 180_000, stepLeaseMs: 70_000 } });
});

test.after(async ({ db }) => {
  await db.drop();
});

type TickBody = { started: string[]; skipped: string[]; recovered: number; redispatched: number; retried: number; failed: number; sent: number; send_failed: number; logs_pruned: number };
const tick = async (h: Harness): Promise<TickBody> => (await h.orchestrator.tick({ trigger: 'schedule' })).body as TickBody;

/** Runs the dispatched step the way its function would: runStepOnce records the outcome in run_steps. */
function runStep(db: TestDatabase, order: DispatchOrder, outcome: StepOutcomeInput | Error) {
  return runStepOnce({
    pool: db.pool,
    request: order.request,
    step: order.target.step,
    runner: async () => {
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
    resources: null,
    budgetMs: 10_000,
    log: quiet,
  });
}

async function start(h: Harness, dataset: string): Promise<DispatchOrder> {
  await h.orchestrator.startRuns({ source: 'shop', dataset, full: false, trigger: 'manual' });
  return h.dispatcher.take()[0]!;
}

test('a step that succeeded but whose callback was lost is picked up from its record by the next tick', async ({ db, h }) => {
  const extract = await start(h, 'orders');
  await runStep(db, extract, { status: 'continue', checkpoint: { page: 2 }, counts: { read: 50 } });
  // No callback arrives.
  const body = await tick(h);
  assert.is(body.recovered, 1);
  const [next] = h.dispatcher.take();
  assert.equal(next?.target, { runId: extract.target.runId, step: 'extract', chunk: 1, attempt: 1 });
  assert.equal(next?.request.checkpoint, { page: 2 });
  await runStep(db, next!, { status: 'done', counts: { read: 10 } });
  await tick(h);
  const [bronze] = h.dispatcher.take();
  assert.is(bronze?.target.step, 'bronze');
  assert.equal(await tick(h), { trigger: 'schedule', metadata_synced: true, started: [], skipped: [], recovered: 0, redispatched: 0, retried: 0, failed: 0, sent: 0, send_failed: 0, logs_pruned: 0 } as unknown as TickBody, 'a quiet tick does nothing');
});

test('a step that failed without callback is retried through its record (runStepOnce keeps the attempt the orchestrator set)', async ({ db, h }) => {
  const extract = await start(h, 'orders');
  await runStep(db, extract, new TransientError('http.unavailable', 'API down')).catch(() => undefined);
  assert.is((await tick(h)).recovered, 1);
  h.clock.advance(1000);
  assert.is((await tick(h)).retried, 1);
  const [retry] = h.dispatcher.take();
  assert.is(retry?.target.attempt, 2);
  const result = await runStep(db, retry!, { status: 'done' });
  assert.is(result.attempt, 2);
  const row = await db.pool.one(sql.type(z.object({ attempt: z.number(), status: z.string() }))`SELECT attempt, status FROM platform.run_steps WHERE run_id = ${extract.target.runId} AND step = 'extract'`);
  assert.equal(row, { attempt: 2, status: 'succeeded' });
});

test('a sent step without any answer is dispatched again once its callback is overdue; out of attempts, the run fails', async ({ db, h }) => {
  const extract = await start(h, 'orders');
  h.clock.advance(179_000);
  assert.is((await tick(h)).redispatched, 0, 'not overdue yet');
  h.clock.advance(2000);
  assert.is((await tick(h)).redispatched, 1);
  const [again] = h.dispatcher.take();
  assert.equal(again?.target, { ...extract.target, attempt: 2 });

  h.clock.advance(181_000);
  assert.is((await tick(h)).failed, 1);
  const run = await db.pool.one(sql.type(z.object({ status: z.string(), error: z.object({ code: z.string(), attempt: z.number(), message: z.string() }) }))`SELECT status, error FROM platform.runs WHERE run_id = ${extract.target.runId}`);
  assert.is(run.status, 'failed');
  assert.is(run.error.code, 'step.callback_timeout');
  assert.is(run.error.attempt, 2);
  assert.match(run.error.message, /no callback within 180 s in 2 attempts; check that files is deployed/);
});

test('a step claimed by a function that is still inside its lease is not dispatched again', async ({ db, h }) => {
  const extract = await start(h, 'orders');
  h.clock.advance(200_000);
  await db.pool.query(sql.unsafe`UPDATE platform.run_steps SET status = 'running', started_at = ${sql.timestamp(new Date(h.clock.now() - 10_000))} WHERE run_id = ${extract.target.runId}`);
  assert.is((await tick(h)).redispatched, 0);
  await db.pool.query(sql.unsafe`UPDATE platform.run_steps SET started_at = ${sql.timestamp(new Date(h.clock.now() - 71_000))} WHERE run_id = ${extract.target.runId}`);
  assert.is((await tick(h)).redispatched, 1, 'a claim older than the lease belongs to a process that died');
});

test('a step written but never sent (the process died after the commit) is sent by the tick', async ({ db, h }) => {
  const opened = await db.pool.transaction(async (tx) => {
    const catalog = await loadCatalog(tx);
    const source = catalog.metadata.sources[0]!;
    return openRun(tx, { target: { kind: 'dataset', source, dataset: source.datasets[0]!, load: 'full' }, trigger: 'manual', triggerDetail: {}, metadataVersion: catalog.versionId, now: new Date(h.clock.now()) });
  });
  assert.equal(h.dispatcher.take(), []);
  assert.is((await tick(h)).sent, 1);
  const [sent] = h.dispatcher.take();
  assert.equal(sent?.target, { runId: opened.run_id, step: 'extract', chunk: 0, attempt: 1 });
});

test("a dataset's own schedule: first seen, it waits for the next slot; a due slot starts one run; missed slots are caught up once", async ({ db, h }) => {
  h.clock.set(Date.UTC(2026, 4, 4, 5, 0));
  assert.equal((await tick(h)).started, [], 'a schedule seen for the first time starts counting');
  h.clock.set(Date.UTC(2026, 4, 4, 6, 0, 30));
  const due = await tick(h);
  assert.is(due.started.length, 1);
  const run = await db.pool.one(sql.type(z.object({ dataset: z.string(), trigger_kind: z.string(), trigger_detail: z.record(z.string(), z.unknown()) }))`SELECT dataset, trigger_kind, trigger_detail FROM platform.runs WHERE run_id = ${due.started[0]!}`);
  assert.equal(run, { dataset: 'returns', trigger_kind: 'schedule', trigger_detail: { schedule: '0 6 * * *', slot: '2026-05-04T06:00:00.000Z' } });
  assert.equal((await tick(h)).started, [], 'the same slot starts nothing twice');

  await db.pool.query(sql.unsafe`UPDATE platform.runs SET status = 'succeeded' WHERE run_id = ${due.started[0]!}`);
  h.clock.set(Date.UTC(2026, 4, 8, 7, 0)); // four days of missed slots
  const caughtUp = await tick(h);
  assert.is(caughtUp.started.length, 1, 'one run catches up, not one per missed slot');
  const slot = await db.pool.oneFirst(sql.type(z.object({ last_slot_at: z.date() }))`SELECT last_slot_at FROM platform.schedule_slots WHERE dataset = 'returns'`);
  assert.is(slot.toISOString(), '2026-05-08T06:00:00.000Z');
});

test('a due slot while the dataset is busy records a skipped run, and the slot counts as used', async ({ db, h }) => {
  h.clock.set(Date.UTC(2026, 4, 4, 5, 0));
  await tick(h);
  await h.orchestrator.startRuns({ source: 'shop', dataset: 'returns', full: false, trigger: 'manual' });
  h.clock.set(Date.UTC(2026, 4, 4, 6, 1));
  const body = await tick(h);
  assert.is(body.skipped.length, 1);
  const skipped = await db.pool.one(sql.type(z.object({ status: z.string(), trigger_kind: z.string() }))`SELECT status, trigger_kind FROM platform.runs WHERE run_id = ${body.skipped[0]!}`);
  assert.equal(skipped, { status: 'skipped', trigger_kind: 'schedule' });
});

test('the tick answers without metadata, starting nothing', async () => {
  const empty = await createTestDatabase();
  try {
    const { orchestrator } = createHarness(empty.pool);
    const body = (await orchestrator.tick({ trigger: 'manual' })).body as { metadata_synced: boolean; started: string[] };
    assert.is(body.metadata_synced, false);
    assert.equal(body.started, []);
  } finally {
    await empty.drop();
  }
});

test.run();
