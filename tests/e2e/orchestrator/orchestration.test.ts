/**
 * The orchestrator end to end through the local gateway: the real orchestrator function, fixture step
 * functions that follow the step contract through the template entrypoint, the async queue, callbacks and
 * cron schedules — and a proxy that loses callbacks and jobs or delivers them twice, as networks and NATS do.
 */
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import type { ScheduleDriver } from '#tools/gateway/createScheduleDriver.ts';
import { createLocalGateway, type LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import { signWebhookBody } from '#orchestrator/triggers/verifyWebhookSignature.ts';
import { CRON_HEADERS } from '#platform/function/isCronInvocation.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { startGatewayProxy, type GatewayProxy } from '#support/gatewayProxy.ts';
import { syncFixtureMetadata } from '#support/orchestratorHarness.ts';

const STACK = path.join(projectRoot, 'tests', 'e2e', 'fixtures', 'orchestrator', 'stack.yml');
const WEBHOOK_SECRET = 'lab-hook-3c9e51f0a7';

const METADATA = {
  'shop.yml': `source: shop
connector: files
datasets:
  - { name: orders, load: full, key: [id], columns: [{ name: id, type: bigint }] }
`,
  'lab.yml': `source: lab
connector: lab
webhook_secret: lab-webhook
datasets:
  - { name: flaky, load: full, key: [id], columns: [{ name: id, type: bigint }], trigger: { webhook: false } }
  - { name: slow, load: full, key: [id], columns: [{ name: id, type: bigint }], trigger: { webhook: false } }
  - { name: overdue, load: full, key: [id], columns: [{ name: id, type: bigint }], trigger: { webhook: false } }
  - { name: paged, load: full, key: [id], columns: [{ name: id, type: bigint }], trigger: { webhook: false } }
  - { name: quiet, load: full, key: [id], columns: [{ name: id, type: bigint }], trigger: { webhook: false } }
  - { name: events, load: delta, key: [id], columns: [{ name: id, type: bigint }] }
`,
  'gold/models.yml': 'models:\n  - { name: revenue, sql: gold/revenue.sql, depends_on: [shop.orders] }\n',
  'gold/revenue.sql': 'SELECT count(*) AS orders FROM silver.shop__orders',
};

type Context = { db: TestDatabase; gateway: LocalGateway; proxy: GatewayProxy; fires: Map<string, () => void> };
const e2e = suite<Context>('orchestrator end to end');

e2e.before(async (context) => {
  context.db = await createTestDatabase();
  await context.db.pool.query(sql.unsafe`
    CREATE TABLE public.fixture_invocations (step text, run_id text, dataset text, chunk integer, attempt integer, at timestamptz DEFAULT clock_timestamp())`);
  await syncFixtureMetadata(context.db.pool, METADATA);
  context.proxy = await startGatewayProxy();
  context.fires = new Map();
  const driver: ScheduleDriver = {
    schedule: (spec, fire) => {
      context.fires.set(spec.text, fire);
      return { cancel: () => undefined };
    },
  };
  context.gateway = await createLocalGateway({
    stackFile: STACK,
    checkBuild: false,
    port: 0,
    credentials: { user: 'admin', password: 'e2e-orchestrator-7d1f' },
    scheduleDriver: driver,
    functionEnv: {
      DATABASE_URL: context.db.url,
      DP_GATEWAY_URL: context.proxy.url,
      DP_CALLBACK_BASE_URL: context.proxy.url,
      DP_RETRY_BASE_MS: '300',
      DP_CALLBACK_TIMEOUT_SECONDS: '2',
      DP_SECRETS_PROVIDER: 'env',
      DP_SECRET_LAB_WEBHOOK: WEBHOOK_SECRET,
      DP_LOG_LEVEL: 'error',
    },
    output: () => undefined,
  });
  context.proxy.target = context.gateway.url;
});

e2e.before.each(async ({ db, proxy }) => {
  proxy.interfered.length = 0;
  proxy.dropCallback = undefined;
  proxy.loseJob = undefined;
  proxy.deliverTwice = false;
  await db.pool.query(sql.unsafe`TRUNCATE platform.runs, platform.events, public.fixture_invocations CASCADE`);
});

e2e.after(async ({ db, gateway, proxy }) => {
  await gateway.close();
  await proxy.close();
  await db.drop();
});

const runRow = z.object({ run_id: z.string(), kind: z.string(), dataset: z.string(), status: z.string(), trigger_kind: z.string(), load: z.string().nullable(), skipped_for: z.string().nullable(), error: z.unknown() });
const runsOf = (db: TestDatabase, dataset: string) => db.pool.any(sql.type(runRow)`
  SELECT run_id, kind, dataset, status, trigger_kind, load, skipped_for, error FROM platform.runs WHERE dataset = ${dataset} ORDER BY created_at`);
const invocations = (db: TestDatabase, runId: string) => db.pool.anyFirst(sql.type(z.object({ call: z.string() }))`
  SELECT step || '#' || chunk || '@' || coalesce(attempt::text, '-') AS call FROM public.fixture_invocations WHERE run_id = ${runId} ORDER BY at`);
const stepRows = (db: TestDatabase, runId: string) => db.pool.anyFirst(sql.type(z.object({ row: z.string() }))`
  SELECT step || '#' || chunk || ':' || status || '@' || attempt AS row FROM platform.run_steps WHERE run_id = ${runId}
  ORDER BY array_position(ARRAY['extract', 'bronze', 'silver', 'gold'], step), chunk`);

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Starts runs over HTTP and waits until every step, callback and follow-up has gone through the queue. */
async function startRuns(context: Context, body: unknown) {
  const reply = await post(`${context.gateway.url}/function/orchestrator/runs`, body);
  await context.gateway.idle();
  return reply;
}

/** The reconcile tick exactly as the cron-connector calls it (empty POST, connector headers), then the queue drained. */
async function tick(context: Context): Promise<Record<string, unknown>> {
  const response = await fetch(`${context.gateway.url}/function/orchestrator`, { method: 'POST', headers: { ...CRON_HEADERS, 'content-type': 'text/plain' } });
  assert.is(response.status, 200);
  const body = (await response.json()) as Record<string, unknown>;
  await context.gateway.idle();
  return body;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

e2e('a scheduled connector trigger runs the source through every step, and its silver change rebuilds the dependent gold model', async (context) => {
  const { db, fires, gateway } = context;
  fires.get('*/15 * * * *')!(); // the files function's cron fires: it asks the orchestrator to start the files sources
  const [run] = await waitFor('the scheduled run', async () => ((await runsOf(db, 'orders')).length > 0 ? runsOf(db, 'orders') : undefined));
  await waitFor('the run to finish', async () => ((await runsOf(db, 'orders'))[0]!.status === 'running' ? undefined : true));
  await gateway.idle();
  const [finished] = await runsOf(db, 'orders');
  assert.equal([finished!.status, finished!.trigger_kind, finished!.load], ['succeeded', 'schedule', 'full']);
  assert.equal(await stepRows(db, run!.run_id), ['extract#0:succeeded@1', 'bronze#0:succeeded@1', 'silver#0:succeeded@1']);

  const event = await db.pool.one(sql.type(z.object({ kind: z.string(), dataset: z.string() }))`SELECT kind, dataset FROM platform.events WHERE run_id = ${run!.run_id}`);
  assert.equal(event, { kind: 'silver_changed', dataset: 'orders' });
  const [gold] = await runsOf(db, 'revenue');
  assert.equal([gold!.kind, gold!.status, gold!.trigger_kind], ['gold', 'succeeded', 'event']);
  assert.equal(await invocations(db, gold!.run_id), ['gold#0@1']);
});

e2e('a failed step is retried after its backoff by the reconcile tick, and the run completes', async (context) => {
  const { db } = context;
  const started = await startRuns(context, { source: 'lab', dataset: 'flaky' });
  assert.is(started.status, 202);
  const [run] = await runsOf(db, 'flaky');
  assert.is(run!.status, 'running');
  assert.equal(await stepRows(db, run!.run_id), ['extract#0:failed@1']);
  await new Promise((resolve) => setTimeout(resolve, 400)); // DP_RETRY_BASE_MS=300
  const ticked = await tick(context);
  assert.is(ticked.retried, 1);
  const [done] = await runsOf(db, 'flaky');
  assert.is(done!.status, 'succeeded');
  assert.equal(await invocations(db, run!.run_id), ['extract#0@1', 'extract#0@2', 'bronze#0@1', 'silver#0@1']);
});

e2e('a step over its exec_timeout is cut by the gateway as of-watchdog cuts it, counts as failed, and is retried', async (context) => {
  const { db } = context;
  await startRuns(context, { source: 'lab', dataset: 'overdue' });
  const [run] = await runsOf(db, 'overdue');
  assert.is(run!.status, 'running');
  assert.equal(await stepRows(db, run!.run_id), ['extract#0:failed@1']);
  assert.equal(await invocations(db, run!.run_id), ['extract#0@1'], 'the failure came when the call was cut, before the 5 s handler ended');
  const error = await db.pool.oneFirst(sql.type(z.object({ error: z.unknown() }))`SELECT error FROM platform.run_steps WHERE run_id = ${run!.run_id} AND step = 'extract'`);
  assert.equal(error, { code: 'step.timeout', message: 'The step function answered 504 without an error body.', retryable: true, status: 504 });
  await new Promise((resolve) => setTimeout(resolve, 400)); // DP_RETRY_BASE_MS=300
  const ticked = await tick(context);
  assert.is(ticked.retried, 1);
  const [done] = await runsOf(db, 'overdue');
  assert.is(done!.status, 'succeeded');
  assert.equal((await invocations(db, run!.run_id)).filter((call) => call.startsWith('extract#')), ['extract#0@1', 'extract#0@2']);
  // of-watchdog does not stop the process at exec_timeout: the first attempt's handler runs to its end.
  await waitFor('the cut handler to end', async () => ((await invocations(db, run!.run_id)).includes('extract-ended#0@1') ? true : undefined));
});

e2e('a lost callback is recovered by the reconcile tick from what the step recorded, without running the step again', async (context) => {
  const { db, proxy } = context;
  proxy.dropCallback = (request) => request.query.get('step') === 'bronze';
  await startRuns(context, { source: 'lab', dataset: 'paged' });
  const [run] = await runsOf(db, 'paged');
  assert.is(proxy.interfered.length > 0, true);
  assert.is(run!.status, 'running', 'without the callback nothing moves');
  assert.equal(await stepRows(db, run!.run_id), ['extract#0:succeeded@1', 'extract#1:succeeded@1', 'bronze#0:succeeded@1']);
  proxy.dropCallback = undefined;
  const ticked = await tick(context);
  assert.is(ticked.recovered, 1);
  assert.is((await runsOf(db, 'paged'))[0]!.status, 'succeeded');
  assert.equal(await invocations(db, run!.run_id), ['extract#0@1', 'extract#1@1', 'bronze#0@1', 'silver#0@1'], 'bronze ran once');
  const detail = await db.pool.oneFirst(sql.type(z.object({ detail: z.record(z.string(), z.unknown()) }))`SELECT detail FROM platform.run_steps WHERE run_id = ${run!.run_id} AND step = 'extract' AND chunk = 1`);
  assert.equal(detail, { checkpoint_seen: { page: 2, since: '2026-05-04T06:00:00.000Z' } }, 'the continuation got the checkpoint of chunk 0');
});

e2e('a job lost in the queue is dispatched again once its callback is overdue', async (context) => {
  const { db, proxy } = context;
  proxy.loseJob = (request) => request.path === '/async-function/silver';
  await startRuns(context, { source: 'shop', dataset: 'orders' });
  proxy.loseJob = undefined;
  const [run] = await runsOf(db, 'orders');
  assert.equal(await stepRows(db, run!.run_id), ['extract#0:succeeded@1', 'bronze#0:succeeded@1', 'silver#0:dispatched@1']);
  assert.is((await tick(context)).redispatched, 0, 'not overdue yet');
  await new Promise((resolve) => setTimeout(resolve, 2100)); // DP_CALLBACK_TIMEOUT_SECONDS=2
  assert.is((await tick(context)).redispatched, 1);
  assert.is((await runsOf(db, 'orders'))[0]!.status, 'succeeded');
  assert.equal(await stepRows(db, run!.run_id), ['extract#0:succeeded@1', 'bronze#0:succeeded@1', 'silver#0:succeeded@2']);
});

e2e('every step delivered twice (a NATS redelivery) changes nothing: each chunk runs once, one event, one gold run', async (context) => {
  const { db, proxy } = context;
  proxy.deliverTwice = true;
  await startRuns(context, { source: 'shop', dataset: 'orders' });
  const [run] = await runsOf(db, 'orders');
  assert.is(run!.status, 'succeeded');
  assert.equal(proxy.interfered.map((request) => request.path), ['/async-function/files', '/async-function/bronze', '/async-function/silver', '/async-function/gold'], 'each job went to the queue twice');
  assert.equal(await invocations(db, run!.run_id), ['extract#0@1', 'bronze#0@1', 'silver#0@1']);
  const events = await db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.events`);
  assert.is(events, 2n, 'silver_changed of orders and gold_changed of revenue, once each');
  const gold = await runsOf(db, 'revenue');
  assert.equal(gold.map((entry) => entry.status), ['succeeded']);
  assert.equal(await invocations(db, gold[0]!.run_id), ['gold#0@1']);
});

e2e('two overlapping triggers give one run and one recorded skip', async (context) => {
  const { db, gateway } = context;
  const first = await post(`${gateway.url}/function/orchestrator/runs`, { source: 'lab', dataset: 'slow' });
  const second = await post(`${gateway.url}/function/orchestrator/runs`, { source: 'lab', dataset: 'slow', trigger: 'schedule' });
  await gateway.idle();
  const started = (first.body.runs as Array<{ run_id: string }>)[0]!.run_id;
  assert.equal(second.body.runs, []);
  assert.is((second.body.skipped as Array<{ skipped_for: string }>)[0]!.skipped_for, started);
  const runs = await runsOf(db, 'slow');
  assert.equal(runs.map((run) => [run.status, run.skipped_for]), [['succeeded', null], ['skipped', started]]);
  assert.equal(await invocations(db, started), ['extract#0@1', 'bronze#0@1', 'silver#0@1']);
});

e2e('a badly signed or unsigned webhook is refused with 401 and starts nothing; a signed one starts a delta run', async (context) => {
  const { db, gateway } = context;
  const body = JSON.stringify({ event: 'new_events' });
  const url = `${gateway.url}/function/orchestrator/webhooks/lab`;
  const unsigned = await post(url, body);
  assert.equal([unsigned.status, (unsigned.body.error as { code: string }).code], [401, 'webhook.unsigned']);
  const forged = await post(url, body, { 'X-Hub-Signature-256': signWebhookBody(body, 'guessed-secret') });
  assert.equal([forged.status, (forged.body.error as { code: string }).code], [401, 'webhook.bad_signature']);
  const count = await db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.runs`);
  assert.is(count, 0n);

  const signed = await post(url, body, { 'X-Hub-Signature-256': signWebhookBody(body, WEBHOOK_SECRET) });
  assert.is(signed.status, 202);
  await gateway.idle();
  const runs = await db.pool.any(sql.type(runRow)`SELECT run_id, kind, dataset, status, trigger_kind, load, skipped_for, error FROM platform.runs`);
  assert.equal(runs.map((run) => [run.dataset, run.load, run.trigger_kind, run.status]), [['events', 'delta', 'webhook', 'succeeded']]);
});

e2e('a signed webhook whose body is not JSON is taken as it is: the body is only signed, never read', async (context) => {
  const { db, gateway } = context;
  for (const [type, body] of [['application/json', 'ping: not json at all'], ['application/octet-stream', '\u0000\u0001binary']] as const) {
    await db.pool.query(sql.unsafe`TRUNCATE platform.runs, platform.webhook_deliveries CASCADE`);
    const response = await fetch(`${gateway.url}/function/orchestrator/webhooks/lab`, { method: 'POST', headers: { 'content-type': type, 'x-hub-signature-256': signWebhookBody(body, WEBHOOK_SECRET) }, body });
    assert.is(response.status, 202, `${type}: ${await response.clone().text()}`);
    await gateway.idle();
  }
});

e2e('an extract that finds nothing new ends the run without bronze and silver; status and runs answer over HTTP', async (context) => {
  const { db, gateway } = context;
  await startRuns(context, { source: 'lab', dataset: 'quiet' });
  const [run] = await runsOf(db, 'quiet');
  assert.is(run!.status, 'succeeded');
  assert.equal(await stepRows(db, run!.run_id), ['extract#0:succeeded@1']);

  const runs = (await (await fetch(`${gateway.url}/function/orchestrator/runs?dataset=quiet`)).json()) as { runs: Array<{ run_id: string; status: string }> };
  assert.equal(runs.runs.map((entry) => [entry.run_id, entry.status]), [[run!.run_id, 'succeeded']]);
  const one = (await (await fetch(`${gateway.url}/function/orchestrator/runs/${run!.run_id}`)).json()) as { steps: unknown[] };
  assert.is(one.steps.length, 1);
  const status = (await (await fetch(`${gateway.url}/function/orchestrator/status`)).json()) as { datasets: Array<{ dataset: string; status: string; freshness_seconds: number | null }> };
  const quiet = status.datasets.find((entry) => entry.dataset === 'quiet')!;
  assert.is(quiet.status, 'succeeded');
  assert.type(quiet.freshness_seconds, 'number');
});

e2e.run();
