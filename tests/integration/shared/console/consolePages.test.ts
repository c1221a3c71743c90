/**
 * The console's pages on a real database: basic auth, every page rendered from real rows (a silver table
 * merged by the real merge, runs, steps, events, rejects and log lines), and hostile values — record values,
 * key values, error messages and log lines full of markup — shown as text, never as markup.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { createConsoleHandler } from '#console/createConsoleHandler.ts';
import type { FunctionSchedules } from '#console/consoleContext.ts';
import { saveInvocationLogs } from '#pipeline/logs/saveInvocationLogs.ts';
import { claimStep } from '#pipeline/runStore/claimStep.ts';
import { insertDispatchedStep } from '#pipeline/runStore/insertDispatchedStep.ts';
import { recordStepSuccess } from '#pipeline/runStore/recordStepSuccess.ts';
import { sql } from '#platform/db/sql.ts';
import { escapeHtml } from '#console/html.ts';
import type { FunctionHandler } from '#template/functionContract.ts';
import { callHandler } from '#support/callHandler.ts';
import { createLayerHarness, makeDataset, type LayerHarness } from '#support/layers.ts';
import { syncTestMetadata } from '#support/stepRuns.ts';
import { createFunctionContext } from '#template/createFunctionContext.ts';

const SCRIPT = `<script>document.title='pwned'</script>`;
const IMG = `<img src=x onerror="document.title='pwned'">`;
const BREAKOUT = `"><svg onload=alert(1)>`;
const HOSTILE_KEY = `K-1${BREAKOUT}`;
const MARKERS = [SCRIPT, IMG, BREAKOUT, '<svg onload', '<img src=x', '<script>document'];

const DATASET = {
  name: 'orders',
  load: 'full',
  key: ['order_id'],
  columns: [
    { name: 'order_id', type: 'text' },
    { name: 'note', type: 'text' },
    { name: 'amount', type: 'numeric' },
  ],
  extract: { format: 'csv', pattern: 'orders*.csv' },
};
const METADATA = [
  { path: 'shop.yml', text: `source: shop\nconnector: files\nconfig: { inbox: shop }\ndatasets:\n  - ${JSON.stringify(DATASET)}\n` },
  { path: 'gold/models.yml', text: 'models:\n  - { name: order_count, sql: gold/order_count.sql, depends_on: [shop.orders] }\n' },
  { path: 'gold/order_count.sql', text: 'SELECT count(*) AS orders FROM silver.shop__orders WHERE _is_current AND NOT _is_deleted\n' },
];

type Context = { h: LayerHarness; handler: FunctionHandler; failedRun: string };
const test = suite<Context>('console pages');
const auth = { authorization: `Basic ${Buffer.from('admin:console-test-pw').toString('base64')}` };

async function page(handler: FunctionHandler, path: string, query: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const answer = await callHandler(handler, { method: 'GET', path, query, headers: auth });
  return { status: answer.status, text: String(answer.value) };
}

function assertNoMarkupFrom(text: string, where: string): void {
  for (const marker of MARKERS) assert.not.ok(text.includes(marker), `${where} contains ${marker} as markup`);
}

test.before(async (context) => {
  context.h = await createLayerHarness();
  const { pool } = context.h.db;
  await syncTestMetadata(pool, METADATA);
  const dataset = makeDataset('shop', DATASET);
  // two snapshots: the hostile key's note changes (two versions); a hostile amount does not cast (a reject)
  // each merge's outcome recorded as the silver step records it (the rows over time are read from these)
  const snapshot = async (runId: string, records: readonly unknown[]) => {
    const merged = await context.h.runSnapshot(dataset, records, { runId });
    const key = { runId, step: 'silver' as const, chunk: 0 };
    await insertDispatchedStep(pool, { ...key, functionName: 'silver', notBefore: null }, new Date());
    const claimed = await claimStep(pool, key, 70_000);
    await recordStepSuccess(pool, key, { attempt: claimed!.attempt, durationMs: 5, finishedAt: new Date(), outcome: { status: 'done', unchanged: false, counts: merged.counts, detail: {} } });
  };
  await snapshot('snap-1', [{ order_id: HOSTILE_KEY, note: SCRIPT, amount: '10.50' }, { order_id: 'K-2', note: 'plain', amount: '3' }, { order_id: 'K-3', note: 'gone next time', amount: '1' }]);
  await snapshot('snap-2', [{ order_id: HOSTILE_KEY, note: IMG, amount: '11' }, { order_id: 'K-2', note: 'plain', amount: IMG }]);
  // a failed run whose error message and log lines quote hostile input
  context.failedRun = 'run-failed-1';
  await pool.query(sql.unsafe`
    INSERT INTO platform.runs (run_id, kind, source, dataset, load, trigger_kind, trigger_detail, status, created_at, started_at, finished_at, error)
    VALUES (${context.failedRun}, 'dataset', 'shop', 'orders', 'full', 'webhook', ${sql.jsonb({ delivery: BREAKOUT })}, 'failed', now(), now(), now() + interval '2 seconds',
            ${sql.jsonb({ code: 'files.bad_file', message: `orders.csv line 2: ${SCRIPT} is not a number`, retryable: false })})`);
  await pool.query(sql.unsafe`
    INSERT INTO platform.run_steps (run_id, step, chunk, status, attempt, function_name, started_at, finished_at, duration_ms, error)
    VALUES (${context.failedRun}, 'extract', 0, 'failed', 2, 'files', now(), now(), 40, ${sql.jsonb({ code: 'files.bad_file', message: `line 2: ${IMG}`, retryable: false })})`);
  const at = new Date().toISOString();
  const line = (event: string, level: string, fields: Record<string, unknown>) => ({ runId: context.failedRun, step: 'extract', chunk: 0, attempt: 2, functionName: 'files', loggedAt: at, level, event, line: JSON.stringify({ ts: at, level, event, ...fields }) });
  await saveInvocationLogs(pool, [line('step.started', 'info', { budget_ms: 40000 }), line('step.failed', 'error', { error: { code: 'files.bad_file', message: `bad value ${SCRIPT}` }, value: IMG })], 100);
  await pool.query(sql.unsafe`
    INSERT INTO platform.runs (run_id, kind, source, dataset, trigger_kind, status, skipped_for, created_at)
    VALUES ('run-skipped-1', 'dataset', 'shop', 'orders', 'schedule', 'skipped', ${context.failedRun}, now())`);
  const schedules: FunctionSchedules = { ok: true, functions: [{ name: 'files', schedule: '*/15 * * * *' }, { name: 'orchestrator', schedule: '* * * * *' }] };
  context.handler = createConsoleHandler({
    context: async () => ({ pool, base: '/function/console', now: Date.now, functionSchedules: async () => schedules }),
    base: '/function/console',
    credentials: () => ({ user: 'admin', password: 'console-test-pw' }),
  });
});
test.after(async ({ h }) => {
  await h.drop();
});

test('every request needs the credentials: 401 without them, 503 when the console has no password; only GET', async ({ handler }) => {
  const anonymous = await callHandler(handler, { method: 'GET', path: '/' });
  assert.is(anonymous.status, 401);
  const wrong = await callHandler(handler, { method: 'GET', path: '/', headers: { authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
  assert.is(wrong.status, 401);
  assert.not.match(String(wrong.value), /shop\.orders/, 'nothing of the platform is shown');
  const unconfigured = createConsoleHandler({ context: async () => assert.unreachable('no page without a password') as never, base: '', credentials: () => ({ user: 'admin', password: undefined }) });
  const refused = await callHandler(unconfigured, { method: 'GET', path: '/', headers: auth });
  assert.is(refused.status, 503);
  assert.match(String(refused.value), /console-password/);
  assert.is((await callHandler(handler, { method: 'POST', path: '/', headers: auth })).status, 405);
});

test('the runs page: a timeline and the table, newest first, with a failed run\'s error as text; filters by source and status', async ({ handler, failedRun }) => {
  const answer = await callHandler(handler, { method: 'GET', path: '/', headers: auth });
  assert.is(answer.status, 200);
  const text = String(answer.value);
  assert.match(text, /<svg role="img" aria-label="Timeline/);
  assert.match(text, new RegExp(`href="/function/console/runs/${failedRun}"`));
  assert.match(text, /shop\.orders/);
  assert.ok(text.includes(escapeHtml(SCRIPT)), 'the error message is shown, escaped');
  assertNoMarkupFrom(text, 'the runs page');
  const failed = await page(handler, '/', { status: 'failed' });
  assert.ok(failed.text.includes(failedRun));
  assert.not.ok(failed.text.includes('run-skipped-1'));
  assert.is((await page(handler, '/', { status: 'exploded' })).status, 400);
});

test('a run page: facts, the error with its hint, each step with attempts and counts, and the log lines of each invocation', async ({ handler, failedRun }) => {
  const { status, text } = await page(handler, `/runs/${failedRun}`);
  assert.is(status, 200);
  assert.match(text, /Run failed: files\.bad_file/);
  assert.match(text, /What to do: Fix or replace the export file/);
  assert.match(text, /extract · attempt 2/);
  assert.match(text, /step\.failed/);
  assert.ok(text.includes(escapeHtml(`bad value ${SCRIPT}`)));
  assert.ok(text.includes(escapeHtml(BREAKOUT)), 'the webhook delivery id, escaped');
  assertNoMarkupFrom(text, 'the run page');
  assert.is((await page(handler, '/runs/no-such-run')).status, 404);
  assert.is((await page(handler, '/runs/%E0%A4%A')).status, 400);
});

test('a dataset page: counts, rows over time, the two versions of a hostile key, and the rejects as text', async ({ handler }) => {
  const { status, text } = await page(handler, '/datasets/shop/orders', { 'key.order_id': HOSTILE_KEY });
  assert.is(status, 200);
  assert.match(text, /Current rows<\/div><div class="value">2</);
  assert.match(text, /aria-label="Rows after each run/);
  const columns = [...text.matchAll(/<title>[^<]*run (snap-\d)[^<]*: (\d+) rows after/g)].map((match) => `${match[1]}:${match[2]}`);
  assert.equal(columns, ['snap-1:3', 'snap-2:2'], 'three live rows after the first snapshot, two after the second deleted K-3');
  assert.match(text, /: 2 versions<\/h3>/);
  assert.ok(text.includes(escapeHtml(SCRIPT)) && text.includes(escapeHtml(IMG)), 'both versions of the note, escaped');
  assert.match(text, /closed<\/td>/);
  assert.match(text, /current<\/td>/);
  assert.match(text, /Rejected values \(1\)/);
  assert.match(text, /does not cast|not a number|numeric/i);
  assertNoMarkupFrom(text, 'the dataset page');
  const missing = await page(handler, '/datasets/shop/orders', { 'key.order_id': 'K-404' });
  assert.match(missing.text, /No version of key/);
  assert.is((await page(handler, '/datasets/shop/nothing')).status, 404);
});

test('the datasets, model, lineage and triggers pages', async ({ handler }) => {
  const datasets = await page(handler, '/datasets');
  assert.is(datasets.status, 200);
  assert.match(datasets.text, /shop\.orders/);
  assert.match(datasets.text, /gold\.order_count/);
  assert.match(datasets.text, /\*\/15 \* \* \* \* · next/, 'freshness against the files function schedule');
  const model = await page(handler, '/datasets/gold/order_count');
  assert.is(model.status, 200);
  assert.match(model.text, /SELECT count\(\*\) AS orders FROM silver\.shop__orders/);
  const lineage = await page(handler, '/lineage', { focus: 'gold.order_count' });
  assert.is(lineage.status, 200);
  for (const node of ['>shop<', '>shop.orders<', '>gold.order_count<']) assert.ok(lineage.text.includes(node), node);
  assert.match(lineage.text, /Showing the lineage of <b>gold\.order_count<\/b>/);
  const triggers = await page(handler, '/triggers');
  assert.is(triggers.status, 200);
  assert.match(triggers.text, /reconcile tick/);
  assert.match(triggers.text, /run-skipped-1/);
  assert.ok(triggers.text.includes(escapeHtml(BREAKOUT)), 'the webhook run and its delivery, escaped');
  for (const [name, text] of [['datasets', datasets.text], ['model', model.text], ['lineage', lineage.text], ['triggers', triggers.text]] as const) assertNoMarkupFrom(text, name);
  assert.is((await page(handler, '/nowhere')).status, 404);
});

test('answers are HTML that may not run script, be framed or be cached', async ({ handler }) => {
  const headers: Record<string, string> = {};
  await new Promise<void>((resolve) => {
    const context = createFunctionContext((outcome) => {
      Object.assign(headers, outcome.headers);
      resolve();
    }, () => undefined);
    void handler({ method: 'GET', path: '/', query: {}, headers: auth, body: undefined, rawBody: Buffer.alloc(0) }, context);
  });
  assert.is(headers['content-type'], 'text/html; charset=utf-8');
  assert.match(headers['content-security-policy'] ?? '', /default-src 'none'/);
  assert.not.match(headers['content-security-policy'] ?? '', /script-src/);
  assert.is(headers['x-frame-options'], 'DENY');
  assert.is(headers['cache-control'], 'no-store');
});

test.run();
