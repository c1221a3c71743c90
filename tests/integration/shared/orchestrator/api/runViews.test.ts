/** What `GET /runs`, `GET /runs/<id>` and `GET /status` answer (the JSON behind `dp runs` and `dp status`). */
import { recordRawUsage } from '#bronze/recordRawUsage.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { sql } from '#platform/db/sql.ts';
import { toJsonSafe } from '#platform/function/toJsonSafe.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { callbackFor, createHarness, syncFixtureMetadata, type Harness } from '#support/orchestratorHarness.ts';
import { FIXTURE_METADATA } from '../fixtureMetadata.ts';

type Context = { db: TestDatabase; h: Harness; runId: string };
const test = suite<Context>('orchestrator run views');

type RunView = { run_id: string; status: string; dataset: string; trigger: string; current_step: { step: string; chunk: number; attempt: number; status: string } | null; counts: Record<string, Record<string, number>>; duration_ms: number | null; skipped_for: string | null; error: unknown };

test.before(async (context) => {
  context.db = await createTestDatabase();
  await syncFixtureMetadata(context.db.pool, FIXTURE_METADATA);
  context.h = createHarness(context.db.pool);
  const { h } = context;
  // orders: succeeded with silver changes (which starts revenue); customers: running at bronze; one skipped trigger.
  await h.orchestrator.startRuns({ source: 'shop', dataset: 'orders', full: false, trigger: 'manual' });
  const extract = h.dispatcher.take()[0]!;
  context.runId = extract.target.runId;
  await h.orchestrator.handleCallback(callbackFor(extract, { status: 'continue', checkpoint: { page: 2 }, counts: { read: 2 } }));
  await h.orchestrator.handleCallback(callbackFor(h.dispatcher.take()[0]!, { status: 'done', counts: { read: 1 } }));
  await h.orchestrator.handleCallback(callbackFor(h.dispatcher.take()[0]!, { status: 'done', counts: { read: 3, inserted: 3 } }));
  h.clock.advance(1500);
  await h.orchestrator.handleCallback(callbackFor(h.dispatcher.take()[0]!, { status: 'done', counts: { read: 3, inserted: 2, updated: 1 } }));
  await h.orchestrator.startRuns({ source: 'shop', dataset: 'customers', full: false, trigger: 'manual' });
  await h.orchestrator.handleCallback(callbackFor(h.dispatcher.take().find((order) => order.request.dataset === 'customers')!, { status: 'done' }));
  await h.orchestrator.startRuns({ source: 'shop', dataset: 'customers', full: false, trigger: 'schedule' });
  // The silver table as the silver step leaves it: two current rows, one closed version, one tombstone.
  await context.db.pool.query(sql.unsafe`CREATE TABLE silver.shop__orders (id bigint, _is_current boolean NOT NULL, _is_deleted boolean NOT NULL)`);
  await context.db.pool.query(sql.unsafe`INSERT INTO silver.shop__orders VALUES (1, true, false), (2, true, false), (2, false, false), (3, true, true)`);
});

test.after(async ({ db }) => {
  await db.drop();
});

const json = (value: unknown) => toJsonSafe(value) as Record<string, unknown>;

test('GET /runs lists runs newest first with status, current step of active runs, and counts per step', async ({ h, runId }) => {
  const reply = await h.orchestrator.listRuns({ limit: 50 });
  const runs = (json(reply.body).runs as RunView[]);
  assert.equal(runs.map((run) => `${run.dataset}:${run.status}`).sort(), ['customers:running', 'customers:skipped', 'orders:succeeded', 'revenue:running']);
  assert.is(runs.at(-1)!.run_id, runId, 'the oldest run comes last');
  const orders = runs.find((run) => run.run_id === runId)!;
  assert.equal(orders.counts.extract, { chunks: 2, read: 3, inserted: 0, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0 });
  assert.equal(orders.counts.silver, { chunks: 1, read: 3, inserted: 2, updated: 1, closed: 0, deleted: 0, rejected: 0, unchanged: 0 });
  assert.is(orders.current_step, null);
  assert.is(orders.duration_ms, 1500);
  const customers = runs.find((run) => run.dataset === 'customers' && run.status === 'running')!;
  assert.equal(customers.current_step, { step: 'bronze', chunk: 0, attempt: 1, status: 'dispatched', next_attempt_at: null });
  const skipped = runs.find((run) => run.status === 'skipped')!;
  assert.is(skipped.skipped_for, customers.run_id);

  const filtered = json((await h.orchestrator.listRuns({ source: 'shop', dataset: 'customers', status: 'skipped', limit: 10 })).body).runs as RunView[];
  assert.equal(filtered.map((run) => run.run_id), [skipped.run_id]);
});

test('GET /runs/<id> shows every chunk with attempts and counts, the events it emitted, and skipped triggers', async ({ h, runId }) => {
  const body = json((await h.orchestrator.getRun(runId)).body) as { run: RunView; steps: Array<{ step: string; chunk: number; status: string; function: string; has_checkpoint: boolean; counts: Record<string, number> }>; events: Array<{ kind: string; payload: { started: string[] } }>; skipped_triggers: string[] };
  assert.equal(body.steps.map((step) => [step.step, step.chunk, step.status, step.function, step.has_checkpoint]), [
    ['extract', 0, 'succeeded', 'files', true],
    ['extract', 1, 'succeeded', 'files', false],
    ['bronze', 0, 'succeeded', 'bronze', false],
    ['silver', 0, 'succeeded', 'silver', false],
  ]);
  assert.is(body.events.length, 1);
  assert.is(body.events[0]!.kind, 'silver_changed');
  assert.is(body.events[0]!.payload.started.length, 1);
  assert.equal(body.skipped_triggers, []);
  try {
    await h.orchestrator.getRun('nope');
    assert.unreachable();
  } catch (error) {
    assert.is((error as { code: string }).code, 'run.not_found');
  }
});

test('GET /status: per dataset the last run, freshness, active run, silver rows and raw files; per model the same with gold rows', async ({ h, runId, db }) => {
  h.clock.advance(60_000);
  await recordRawUsage(db.pool, 'shop', 'orders', { runs: 3, files: 9, bytes: 52_000, compressedFiles: 4, compressedBytes: 6_000 });
  const body = json((await h.orchestrator.status()).body) as { metadata: { version: number }; active_runs: number; datasets: Array<Record<string, unknown>>; models: Array<Record<string, unknown>> };
  assert.is(body.metadata.version, 1);
  const orders = body.datasets.find((entry) => entry.dataset === 'orders')!;
  assert.is(orders.status, 'succeeded');
  assert.is((orders.last_run as { run_id: string }).run_id, runId);
  assert.is(orders.freshness_seconds, 60);
  assert.equal(orders.silver, { table: 'silver.shop__orders', current_rows: 2, total_rows: 4 });
  assert.equal({ ...(orders.raw as Record<string, unknown>), measured_at: undefined }, { runs: 3, files: 9, bytes: 52_000, compressed_files: 4, compressed_bytes: 6_000, measured_at: undefined });
  assert.is(orders.active_run_id, null);
  const customers = body.datasets.find((entry) => entry.dataset === 'customers')!;
  assert.is(customers.status, 'running');
  assert.is(customers.freshness_seconds, null);
  assert.is(customers.silver, null);
  assert.is(customers.raw, null, 'never measured');
  const returns = body.datasets.find((entry) => entry.dataset === 'returns')!;
  assert.equal([returns.status, returns.schedule, returns.last_run], ['never_run', '0 6 * * *', null]);
  const revenue = body.models.find((entry) => entry.model === 'revenue')!;
  assert.equal([revenue.status, revenue.depends_on, revenue.gold], ['running', ['shop.orders'], null]);
  assert.is(body.active_runs, 2);
});

test.run();
