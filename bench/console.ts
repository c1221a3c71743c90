/**
 * Console benchmark: `npm run bench:console [-- --runs 10000 --silver-rows 100000 --requests 30 --keep]`
 *
 * Fills a throwaway database the way the platform does — the shipped metadata synced into the catalog, runs of
 * every dataset and gold model over the last 30 days written through the run store (steps with counts, some
 * retries and failures, skipped triggers), eight stored log lines per run, and silver.bank__transactions merged
 * by the real merge — then serves the console through the template's HTTP server and times each page as a
 * browser asks for it (basic auth, the whole body read). Prints median, p95 and the slowest of N requests per
 * page after a warm-up. Services are found or started like the test runner does; the database is dropped at the end
 * (`--keep` leaves it, and prints its name, to look at the queries with EXPLAIN).
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

import { createConsoleHandler } from '#console/createConsoleHandler.ts';
import type { FunctionSchedules } from '#console/consoleContext.ts';
import { loadMetadata } from '#metadata/loadMetadata.ts';
import { connectorSettings } from '#metadata/connectorSettings.ts';
import { syncMetadata } from '#metadata/catalog/syncMetadata.ts';
import type { MetadataSet } from '#metadata/schema.ts';
import type { InvocationLogLine } from '#pipeline/logs/createInvocationLogBuffer.ts';
import { saveInvocationLogs } from '#pipeline/logs/saveInvocationLogs.ts';
import { claimStep } from '#pipeline/runStore/claimStep.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { insertDispatchedStep } from '#pipeline/runStore/insertDispatchedStep.ts';
import { insertSkippedRun } from '#pipeline/runStore/insertSkippedRun.ts';
import { recordStepFailure } from '#pipeline/runStore/recordStepFailure.ts';
import { recordStepSuccess } from '#pipeline/runStore/recordStepSuccess.ts';
import type { StepName } from '#pipeline/pipeline.ts';
import { createCopyIn } from '#platform/db/createCopyIn.ts';
import { createPool } from '#platform/db/createPool.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import type { DatabasePool } from '#platform/db/sql.ts';
import { getEnv } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { mergeSilverRecords } from '#silver/mergeSilverRecords.ts';
import type { SilverInput } from '#silver/stageSilverBatch.ts';
import { createFunctionServer } from '#template/createFunctionServer.ts';
import { createServerLog } from '#template/serverLog.ts';
import { benchServices, createBenchDatabase } from './benchDatabase.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    'silver-rows': { type: 'string', default: '100000' },
    requests: { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
  },
});
const totalRuns = Number(args.runs);
const silverRows = Number(args['silver-rows']);
const requests = Number(args.requests);
if (![totalRuns, silverRows, requests].every((value) => Number.isInteger(value) && value >= 1)) {
  process.stderr.write('usage: npm run bench:console -- [--runs N] [--silver-rows N] [--requests N] (whole numbers ≥ 1)\n');
  process.exit(2);
}

const DAY = 86_400_000;
const PASSWORD = 'bench-console-password';
const counts = (read: number, inserted = 0, updated = 0) => ({ read, inserted, updated, closed: updated, deleted: 0, rejected: 0, unchanged: Math.max(0, read - inserted - updated) });

type Target = { readonly kind: 'dataset' | 'gold'; readonly source: string; readonly dataset: string; readonly steps: readonly (readonly [StepName, string])[] };

function targetsOf(metadata: MetadataSet): Target[] {
  return [
    ...metadata.sources.flatMap((source) => source.datasets.map((dataset): Target => ({ kind: 'dataset', source: source.source, dataset: dataset.name, steps: [['extract', source.connector], ['bronze', 'bronze'], ['silver', 'silver']] }))),
    ...metadata.models.map((model): Target => ({ kind: 'gold', source: 'gold', dataset: model.name, steps: [['gold', 'gold']] })),
  ];
}

/** Writes `runs` runs of one target through the run store, oldest first, spread evenly over the last 30 days. */
async function seedTarget(pool: DatabasePool, target: Target, runs: number, versionId: number): Promise<{ failed: string[] }> {
  const failed: string[] = [];
  let lines: InvocationLogLine[] = [];
  const start = Date.now() - 30 * DAY;
  for (let index = 0; index < runs; index += 1) {
    const at = new Date(start + Math.floor(((index + 0.5) / runs) * 30 * DAY));
    const runId = `${at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
    const run = { runId, kind: target.kind, source: target.source, dataset: target.dataset, load: target.kind === 'gold' ? null : ('full' as const), trigger: target.kind === 'gold' ? ('event' as const) : ('schedule' as const), triggerDetail: {}, metadataVersion: versionId };
    await insertActiveRun(pool, run, at);
    if (index % 50 === 7) await insertSkippedRun(pool, { ...run, runId: `${runId}-s`, trigger: 'schedule' }, runId, new Date(at.getTime() + 500));
    const fails = index % 20 === 3;
    for (const [position, [step, functionName]] of target.steps.entries()) {
      const key = { runId, step, chunk: 0 };
      await insertDispatchedStep(pool, { ...key, functionName, notBefore: null }, at);
      const claimed = await claimStep(pool, key, 70_000);
      const attempt = claimed?.attempt ?? 1;
      const logged = (event: string, level = 'info', fields: Record<string, unknown> = {}) =>
        lines.push({ runId, step, chunk: 0, attempt, functionName, loggedAt: new Date(at.getTime() + position * 400 + lines.length).toISOString(), level, event, line: JSON.stringify({ level, event, run_id: runId, step, ...fields }) });
      logged('step.started', 'info', { budget_ms: 40_000 });
      if (fails && position === target.steps.length - 1) {
        const error = { code: 'connector.http_status', message: `The source answered 503 for ${target.source}.${target.dataset}; it is retried.`, retryable: false };
        await recordStepFailure(pool, key, attempt, error, 120);
        await finishRun(pool, runId, { status: 'failed', error }, new Date(at.getTime() + 1500));
        logged('step.failed', 'error', { error });
        failed.push(runId);
        break;
      }
      const read = 20 + (index % 40);
      await recordStepSuccess(pool, key, { attempt, durationMs: 80 + (index % 300), finishedAt: new Date(at.getTime() + (position + 1) * 400), outcome: { status: 'done', unchanged: false, counts: counts(read, step === 'silver' ? index % 5 : step === 'gold' ? read : 0, step === 'silver' ? index % 3 : 0), detail: {} } });
      logged('files.imported', 'info', { records: read });
      logged('step.finished', 'info', { status: 'done', duration_ms: 80 });
    }
    if (!fails) await finishRun(pool, runId, { status: 'succeeded' }, new Date(at.getTime() + target.steps.length * 400 + 200));
    if (lines.length >= 400) {
      await saveInvocationLogs(pool, lines, 200);
      lines = [];
    }
  }
  await saveInvocationLogs(pool, lines, 200);
  return { failed };
}

async function* transactions(): AsyncGenerator<readonly SilverInput[]> {
  let batch: SilverInput[] = [];
  for (let i = 1; i <= silverRows; i += 1) {
    const id = `T${String(i).padStart(7, '0')}`;
    batch.push({ seq: i, record: { id, iban: `NL00BENCH${i % 7}`, date: `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`, amount: `-${i % 500}.${String(i % 100).padStart(2, '0')}`, currency: 'EUR', counterparty: `shop ${i % 300}`, description: `purchase ${i}`, category: 'groceries' } });
    if (batch.length === 2000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

const percentile = (sorted: readonly number[], share: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;

async function main(): Promise<void> {
  const env = getEnv();
  const bench = await createBenchDatabase(await benchServices());
  const url = new URL(bench.databaseUrl);
  const pool = await createPool({ url: url.toString(), maximumPoolSize: 12, statementTimeoutMs: 30 * 60_000 });
  try {
    await migrateDatabase({ url: url.toString() });
    const metadata = await loadMetadata(env.metadataDir, { connectors: connectorSettings });
    const { versionId } = await syncMetadata(pool, metadata);
    const targets = targetsOf(metadata);
    process.stdout.write(`console benchmark: ${totalRuns.toLocaleString('en-US')} runs over ${targets.length} datasets and models, ${silverRows.toLocaleString('en-US')} rows in silver.bank__transactions, ${requests} requests per page, Node ${process.version}\n`);

    let began = performance.now();
    const seeded = await Promise.all(targets.map((target, index) => seedTarget(pool, target, Math.floor(totalRuns / targets.length) + (index < totalRuns % targets.length ? 1 : 0), versionId)));
    process.stdout.write(`seeded the runs, steps and log lines in ${((performance.now() - began) / 1000).toFixed(1)} s\n`);
    began = performance.now();
    const transactionsRef = { source: metadata.sources.find((source) => source.source === 'bank')!, dataset: metadata.sources.find((source) => source.source === 'bank')!.datasets.find((dataset) => dataset.name === 'transactions')! };
    const mergeRun = 'bench-silver-merge';
    await insertActiveRun(pool, { runId: mergeRun, kind: 'dataset', source: 'bank', dataset: 'transactions', load: 'full', trigger: 'manual', triggerDetail: {}, metadataVersion: versionId }, new Date());
    // as the silver step does it: claim the chunk, merge, record the outcome (the console's rows over time read it)
    const mergeKey = { runId: mergeRun, step: 'silver' as const, chunk: 0 };
    await insertDispatchedStep(pool, { ...mergeKey, functionName: 'silver', notBefore: null }, new Date());
    const claimed = await claimStep(pool, mergeKey, 70_000);
    const merged = await mergeSilverRecords({ pool, copyIn: createCopyIn(url.toString()), dataset: transactionsRef, runId: mergeRun, batches: transactions() });
    await recordStepSuccess(pool, mergeKey, { attempt: claimed?.attempt ?? 1, durationMs: 0, finishedAt: new Date(), outcome: { status: 'done', unchanged: false, counts: merged.counts, detail: {} } });
    await finishRun(pool, mergeRun, { status: 'succeeded' }, new Date());
    process.stdout.write(`merged silver.bank__transactions in ${((performance.now() - began) / 1000).toFixed(1)} s\n\n`);

    const schedules: FunctionSchedules = { ok: true, functions: [{ name: 'files', schedule: '*/15 * * * *' }, { name: 'orchestrator', schedule: '* * * * *' }, { name: 'rest', schedule: '0 */6 * * *' }, { name: 'ynab', schedule: '17 * * * *' }] };
    const handler = createConsoleHandler({
      context: async () => ({ pool, base: '/function/console', now: Date.now, functionSchedules: async () => schedules }),
      base: '/function/console',
      credentials: () => ({ user: 'admin', password: PASSWORD }),
      log: createLogger({ level: 'error', sink: () => undefined }),
    });
    const server = createFunctionServer({ handler, bodyLimitBytes: 1024 * 1024, log: createServerLog({ level: 'warn', fn: 'console' }) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const failedRun = seeded.flatMap((entry) => entry.failed).at(-1)!;
    const pages: readonly (readonly [string, string])[] = [
      ['runs (100 newest, timeline)', '/'],
      ['runs, failed only', '/?status=failed'],
      ['runs, 500 newest', '/?limit=500'],
      ['one run (steps, log lines)', `/runs/${failedRun}`],
      ['datasets', '/datasets'],
      ['dataset with key history', '/datasets/bank/transactions?key.transaction_id=T0000005'],
      ['gold model', '/datasets/gold/monthly_spending'],
      ['lineage', '/lineage?focus=gold.monthly_spending'],
      ['triggers', '/triggers'],
    ];
    const authorization = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
    const rows: string[][] = [['page', 'median ms', 'p95 ms', 'max ms', 'KB']];
    for (const [label, path] of pages) {
      const times: number[] = [];
      let bytes = 0;
      for (let attempt = 0; attempt < requests + 3; attempt += 1) {
        const started = performance.now();
        const response = await fetch(`${base}${path}`, { headers: { authorization } });
        const body = await response.arrayBuffer();
        const ms = performance.now() - started;
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${Buffer.from(body).toString('utf8').slice(0, 500)}`);
        bytes = body.byteLength;
        if (attempt >= 3) times.push(ms);
      }
      times.sort((a, b) => a - b);
      rows.push([label, percentile(times, 0.5).toFixed(1), percentile(times, 0.95).toFixed(1), times.at(-1)!.toFixed(1), (bytes / 1024).toFixed(0)]);
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const row of rows) process.stdout.write(`${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}\n`);
  } finally {
    await pool.end();
    if (args.keep) process.stdout.write(`\nkept the database: ${url.toString()}\n`);
    else await bench.drop();
  }
}

await main();
