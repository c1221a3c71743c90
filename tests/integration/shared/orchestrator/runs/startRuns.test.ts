/** Starting runs: what is recorded in platform.runs and run_steps, what is dispatched, and how a busy dataset records a skip. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { createHarness, syncFixtureMetadata, type Harness } from '#support/orchestratorHarness.ts';
import { FIXTURE_METADATA } from '../fixtureMetadata.ts';

type Context = { db: TestDatabase; h: Harness; version: number };
const test = suite<Context>('orchestrator startRuns');

test.before(async (context) => {
  context.db = await createTestDatabase();
  context.version = (await syncFixtureMetadata(context.db.pool, FIXTURE_METADATA)).versionId;
  context.h = createHarness(context.db.pool);
});

test.after(async ({ db }) => {
  await db.drop();
});

const runRow = z.object({ kind: z.string(), source: z.string(), dataset: z.string(), load: z.string().nullable(), trigger_kind: z.string(), status: z.string(), metadata_version: z.bigint(), skipped_for: z.string().nullable() });
const stepRow = z.object({ step: z.string(), chunk: z.number(), status: z.string(), attempt: z.number(), function_name: z.string(), call_id: z.string().nullable(), sent: z.boolean() });

type Started = { runs: Array<{ run_id: string; kind?: string; source: string; dataset: string; load: string }>; skipped: Array<{ run_id: string; dataset: string; skipped_for: string }> };

test('a source starts one run per dataset: recorded running with its metadata version, extract sent to the connector function', async ({ db, h, version }) => {
  const reply = await h.orchestrator.startRuns({ source: 'shop', full: false, trigger: 'manual' });
  assert.is(reply.status, 202);
  const body = reply.body as Started;
  assert.equal(body.runs.map((run) => run.dataset).sort(), ['customers', 'orders', 'returns']);
  assert.equal(body.skipped, []);

  const orders = body.runs.find((run) => run.dataset === 'orders')!;
  const run = await db.pool.one(sql.type(runRow)`SELECT kind, source, dataset, load, trigger_kind, status, metadata_version, skipped_for FROM platform.runs WHERE run_id = ${orders.run_id}`);
  assert.equal(run, { kind: 'dataset', source: 'shop', dataset: 'orders', load: 'full', trigger_kind: 'manual', status: 'running', metadata_version: BigInt(version), skipped_for: null });

  const step = await db.pool.one(sql.type(stepRow)`SELECT step, chunk, status, attempt, function_name, call_id, sent_at IS NOT NULL AS sent FROM platform.run_steps WHERE run_id = ${orders.run_id}`);
  assert.equal(step, { step: 'extract', chunk: 0, status: 'dispatched', attempt: 1, function_name: 'files', call_id: step.call_id, sent: true });
  assert.ok(step.call_id?.startsWith('call-'), 'the call id the gateway answered is recorded');

  const order = h.dispatcher.take().find((entry) => entry.target.runId === orders.run_id)!;
  assert.is(order.functionName, 'files');
  assert.equal(order.request, { runId: orders.run_id, source: 'shop', dataset: 'orders', step: 'extract', chunk: 0, attempt: 1, deadlineMs: 40_000 });
  assert.equal(order.target, { runId: orders.run_id, step: 'extract', chunk: 0, attempt: 1 });
});

test('a trigger while the dataset is busy is recorded as a skipped run pointing at the active one, and nothing is dispatched', async ({ db, h }) => {
  const active = await db.pool.oneFirst(sql.type(z.object({ run_id: z.string() }))`SELECT run_id FROM platform.runs WHERE dataset = 'orders' AND status = 'running'`);
  const reply = await h.orchestrator.startRuns({ source: 'shop', dataset: 'orders', full: false, trigger: 'manual' });
  assert.is(reply.status, 202);
  const body = reply.body as Started;
  assert.equal(body.runs, []);
  assert.is(body.skipped.length, 1);
  assert.is(body.skipped[0]!.skipped_for, active);
  const skipped = await db.pool.one(sql.type(runRow)`SELECT kind, source, dataset, load, trigger_kind, status, metadata_version, skipped_for FROM platform.runs WHERE run_id = ${body.skipped[0]!.run_id}`);
  assert.is(skipped.status, 'skipped');
  assert.is(skipped.skipped_for, active);
  assert.equal(h.dispatcher.take(), []);
  const steps = await db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.run_steps WHERE run_id = ${body.skipped[0]!.run_id}`);
  assert.is(steps, 0n);
});

test('two triggers at the same moment give one run and one skip', async ({ db, h }) => {
  await db.pool.query(sql.unsafe`UPDATE platform.runs SET status = 'failed' WHERE dataset = 'customers'`);
  const [a, b] = await Promise.all([
    h.orchestrator.startRuns({ source: 'shop', dataset: 'customers', full: false, trigger: 'manual' }),
    h.orchestrator.startRuns({ source: 'shop', dataset: 'customers', full: false, trigger: 'schedule' }),
  ]);
  const bodies = [a!.body, b!.body] as Started[];
  assert.is(bodies.flatMap((body) => body.runs).length, 1);
  assert.is(bodies.flatMap((body) => body.skipped).length, 1);
  assert.is(bodies.flatMap((body) => body.skipped)[0]!.skipped_for, bodies.flatMap((body) => body.runs)[0]!.run_id);
});

test('full: true runs a delta dataset as a full load', async ({ db, h }) => {
  await db.pool.query(sql.unsafe`UPDATE platform.runs SET status = 'failed' WHERE dataset = 'customers'`);
  const reply = await h.orchestrator.startRuns({ source: 'shop', dataset: 'customers', full: true, trigger: 'manual' });
  const body = reply.body as Started;
  assert.is(body.runs[0]!.load, 'full');
  const detail = await db.pool.oneFirst(sql.type(z.object({ trigger_detail: z.record(z.string(), z.unknown()) }))`SELECT trigger_detail FROM platform.runs WHERE run_id = ${body.runs[0]!.run_id}`);
  assert.equal(detail, { full: true });
});

test('accept_deletes: true is recorded with the run, where its silver step reads the confirmation', async ({ db, h }) => {
  await db.pool.query(sql.unsafe`UPDATE platform.runs SET status = 'failed' WHERE dataset = 'customers'`);
  const reply = await h.orchestrator.startRuns({ source: 'shop', dataset: 'customers', full: false, accept_deletes: true, trigger: 'manual' });
  const body = reply.body as Started;
  const detail = await db.pool.oneFirst(sql.type(z.object({ trigger_detail: z.record(z.string(), z.unknown()) }))`SELECT trigger_detail FROM platform.runs WHERE run_id = ${body.runs[0]!.run_id}`);
  assert.equal(detail, { accept_deletes: true });
});

test("a connector's cron call starts that connector's datasets except those with a schedule of their own", async ({ db, h }) => {
  await db.pool.query(sql.unsafe`UPDATE platform.runs SET status = 'failed' WHERE status = 'running'`);
  const scheduled = await h.orchestrator.startRuns({ connector: 'files', full: false, trigger: 'schedule' });
  assert.equal((scheduled.body as Started).runs.map((run) => run.dataset).sort(), ['customers', 'orders']);
  const none = await h.orchestrator.startRuns({ connector: 'ynab', full: false, trigger: 'schedule' });
  assert.is(none.status, 200);
  assert.equal(none.body, { runs: [], skipped: [] });
});

test('an unknown source or dataset is a 404 that names the closest one and the sync command', async ({ h }) => {
  try {
    await h.orchestrator.startRuns({ source: 'shopp', full: false, trigger: 'manual' });
    assert.unreachable('an unknown source must be refused');
  } catch (error) {
    assert.is((error as { code: string }).code, 'metadata.source_not_found');
    assert.match((error as Error).message, /did you mean `shop`\?.*dp metadata sync/);
  }
  try {
    await h.orchestrator.startRuns({ source: 'shop', dataset: 'order', full: false, trigger: 'manual' });
    assert.unreachable('an unknown dataset must be refused');
  } catch (error) {
    assert.is((error as { code: string }).code, 'metadata.dataset_not_found');
    assert.match((error as Error).message, /did you mean `shop\.orders`\?/);
  }
  // nothing close in the source: the message lists what it has
  try {
    await h.orchestrator.startRuns({ source: 'shop', dataset: 'inventory', full: false, trigger: 'manual' });
    assert.unreachable('an unknown dataset must be refused');
  } catch (error) {
    assert.is((error as { code: string }).code, 'metadata.dataset_not_found');
    assert.match((error as Error).message, 'source `shop` has: customers, orders, returns');
  }
});

test('a gold model is run by hand like a dataset: source `gold`, dataset the model; an unknown model names the closest', async ({ db, h }) => {
  await db.pool.query(sql.unsafe`UPDATE platform.runs SET status = 'failed' WHERE status = 'running'`);
  h.dispatcher.take();
  const reply = await h.orchestrator.startRuns({ source: 'gold', dataset: 'revenue', full: false, trigger: 'manual' });
  const body = reply.body as Started;
  assert.equal(body.runs.map((run) => [run.kind, run.source, run.dataset]), [['gold', 'gold', 'revenue']]);
  const all = await h.orchestrator.startRuns({ source: 'gold', full: false, trigger: 'manual' });
  assert.equal([...(all.body as Started).runs, ...(all.body as Started).skipped].map((run) => run.dataset).sort(), ['customer_value', 'dashboard', 'revenue'], '`gold` alone runs every model');
  try {
    await h.orchestrator.startRuns({ source: 'gold', dataset: 'revenu', full: false, trigger: 'manual' });
    assert.unreachable('an unknown model must be refused');
  } catch (error) {
    assert.is((error as { code: string }).code, 'metadata.model_not_found');
    assert.match((error as Error).message, /did you mean `gold\.revenue`\?/);
  }
});

test.run();
