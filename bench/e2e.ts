/**
 * End-to-end benchmark: `npm run bench:e2e [-- --rows 100000 --deltas 10 --delta-share 0.01]`
 *
 * A seeded YNAB-like API (bench/budgetApi.ts, deltas through server_knowledge) → the `rest` function →
 * raw → bronze → silver → gold, every step a real function process behind the local gateway, dispatched
 * by the real orchestrator one step at a time, as on faasd. First the initial load of `--rows`
 * transactions, then `--deltas` runs that each change `--delta-share` of them. Printed per run: rows/s of
 * each layer (rows over the sum of that layer's invocations), the longest single invocation, and the wall
 * clock; in the same run, for the same records, a plain COPY into an unlogged table of the same Postgres
 * and a plain insertMany into the same MongoDB-wire store, with the ratios; and each function's peak RSS.
 * `--skip-floors` leaves the floors out (they take longer than the pipeline at a million rows). Services are found or started like the test runner does; everything happens in throwaway databases and
 * folders, removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import { MongoClient, type Document } from 'mongodb';
import pg from 'pg';

import { syncMetadata } from '#metadata/catalog/syncMetadata.ts';
import { connectorSettings } from '#metadata/connectorSettings.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import { validateMetadata } from '#metadata/validateMetadata.ts';
import { createCopyIn } from '#platform/db/createCopyIn.ts';
import { createPool } from '#platform/db/createPool.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import { sql } from '#platform/db/sql.ts';
import { getEnv, projectRoot } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { encodeCopyField } from '#silver/encodeCopyField.ts';
import { toBronzeDocument } from '#bronze/bronzeDocument.ts';
import { canonicalJson } from '#pipeline/records/canonicalJson.ts';
import { createKeyHasher, keyHashUuid } from '#pipeline/records/computeKeyHash.ts';
import { hash128, hexToUuid } from '#pipeline/records/hash128.ts';
import { createOrchestratorClient } from '#tools/cli/createOrchestratorClient.ts';
import type { RunDetail } from '#tools/cli/orchestratorReplies.ts';
import { createLocalGateway } from '#tools/gateway/createLocalGateway.ts';
import { CRON_HEADERS } from '#platform/function/isCronInvocation.ts';
import { ensureServices } from '#tools/services/services.ts';
import { withAdminClient } from '#tools/services/withAdminClient.ts';
import { startBudgetApi, type BudgetApi } from './budgetApi.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    deltas: { type: 'string', default: '10' },
    'delta-share': { type: 'string', default: '0.01' },
    'page-size': { type: 'string', default: '5000' },
    // Leaves out the floors (plain COPY and insertMany of the same records): for runs that look at the pipeline only.
    'skip-floors': { type: 'boolean', default: false },
  },
});
const rows = Number(args.rows);
const deltas = Number(args.deltas);
const deltaShare = Number(args['delta-share']);
const pageSize = Number(args['page-size']);
if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(deltas) || deltas < 0 || !(deltaShare > 0 && deltaShare <= 1) || !Number.isInteger(pageSize) || pageSize < 1) {
  process.stderr.write('usage: npm run bench:e2e -- [--rows N ≥ 1] [--deltas N ≥ 0] [--delta-share 0..1] [--page-size N ≥ 1]\n');
  process.exit(2);
}

const SOURCE = (url: string): string => `source: budget
description: A YNAB-like budget API (benchmark).
connector: rest
config: { base_url: '${url}', timeout_ms: 60000 }
datasets:
  - name: transactions
    load: delta
    key: [id]
    deleted_flag: deleted
    columns:
      - { name: id, type: text }
      - { name: date, type: date }
      - { name: amount, type: bigint }
      - { name: memo, type: text, scd: 1 }
      - { name: cleared, type: text }
      - { name: approved, type: boolean }
      - { name: account_name, type: text }
      - { name: payee_name, type: text }
      - { name: category_name, type: text }
      - { name: deleted, type: boolean, scd: none }
      - { name: server_knowledge, type: bigint, scd: none }
    extract:
      path: /budgets/b1/transactions
      records_path: data.transactions
      paginator: { type: cursor, param: cursor, cursor_path: data.next_cursor }
      incremental: { param: last_knowledge_of_server, field: server_knowledge }
`;
const MODELS = `models:
  - { name: spending_by_category, sql: gold/spending_by_category.sql, depends_on: [budget.transactions] }
`;
const MODEL_SQL = `SELECT category_name, date_trunc('month', date)::date AS month, sum(amount) AS amount, count(*) AS transactions
FROM silver.budget__transactions WHERE _is_current AND NOT _is_deleted GROUP BY 1, 2`;

const COPY_COLUMNS = ['id', 'date', 'amount', 'memo', 'cleared', 'approved', 'account_name', 'payee_name', 'category_name', 'deleted', 'server_knowledge'];

/** Peak resident memory of a process since it started, in MB (VmHWM). */
function peakRssMb(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Math.round(Number(match[1]) / 1024);
  } catch {
    return undefined;
  }
}

const fmt = (value: number): string => Math.round(value).toLocaleString('en-US');
const seconds = (ms: number): string => (ms / 1000).toFixed(1);

type LayerFigures = { rows: number; ms: number; longestMs: number; invocations: number };
type RunFigures = { label: string; wallMs: number; layers: Record<'extract' | 'bronze' | 'silver' | 'gold', LayerFigures>; records: number; retried: number };

function figuresOf(label: string, wallMs: number, detail: RunDetail, gold: RunDetail | undefined): RunFigures {
  const empty = (): LayerFigures => ({ rows: 0, ms: 0, longestMs: 0, invocations: 0 });
  const layers = { extract: empty(), bronze: empty(), silver: empty(), gold: empty() };
  for (const step of [...detail.steps, ...(gold?.steps ?? [])]) {
    const layer = layers[step.step as keyof typeof layers];
    if (layer === undefined) continue;
    const ms = step.duration_ms ?? 0;
    layer.ms += ms;
    layer.longestMs = Math.max(layer.longestMs, ms);
    layer.invocations += 1;
    const counts = step.counts;
    layer.rows += step.step === 'gold' ? (counts?.inserted ?? 0) : (counts?.read ?? 0);
  }
  const retried = [...detail.steps, ...(gold?.steps ?? [])].filter((step) => (step.attempt ?? 1) > 1).length;
  return { label, wallMs, layers, records: layers.extract.rows, retried };
}

async function main(): Promise<void> {
  const env = getEnv();
  const quiet = createLogger({ format: 'text', fields: {}, level: 'warn', sink: (line) => process.stderr.write(`[bench] ${line}\n`) });
  const services = await ensureServices(env, quiet);
  const name = `dp_bench_${randomBytes(4).toString('hex')}`;
  await withAdminClient(services.databaseUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const databaseUrl = new URL(services.databaseUrl);
  databaseUrl.pathname = `/${name}`;
  const mongodbUrl = new URL(services.mongodbUrl);
  mongodbUrl.pathname = `/${name}`;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-bench-e2e-'));
  const api = await startBudgetApi({ transactions: rows, pageSize });
  const pool = await createPool({ url: databaseUrl.toString(), statementTimeoutMs: 30 * 60_000 });
  const mongo = new MongoClient(mongodbUrl.toString(), { retryWrites: false });
  let gateway: Awaited<ReturnType<typeof createLocalGateway>> | undefined;
  let tick: ReturnType<typeof setInterval> | undefined;
  try {
    await mongo.connect();
    await migrateDatabase({ url: databaseUrl.toString() });
    await mkdir(path.join(dir, 'metadata', 'gold'), { recursive: true });
    await writeFile(path.join(dir, 'metadata', 'budget.yml'), SOURCE(api.url));
    await writeFile(path.join(dir, 'metadata', 'gold', 'models.yml'), MODELS);
    await writeFile(path.join(dir, 'metadata', 'gold', 'spending_by_category.sql'), MODEL_SQL);
    const validation = validateMetadata(await readMetadataFolder(path.join(dir, 'metadata')), { connectors: connectorSettings });
    if (validation.metadata === undefined) throw new Error(`benchmark metadata does not validate: ${JSON.stringify(validation.issues)}`);
    await syncMetadata(pool, validation.metadata);
    const version = await pool.oneFirst(sql.unsafe`SELECT current_setting('server_version') AS version`);
    process.stdout.write(`end-to-end benchmark: ${fmt(rows)} transactions, ${deltas} deltas of ${deltaShare * 100} %, pages of ${fmt(pageSize)}; Postgres ${String(version)}, Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}\n\n`);

    // The floors, in the same run, for the same records: a plain COPY and a plain insertMany.
    const baseline = args['skip-floors'] ? undefined : await measureBaselines(api, databaseUrl.toString(), pool, mongo, name);

    gateway = await createLocalGateway({
      stackFile: path.join(projectRoot, 'stack.yml'),
      only: ['orchestrator', 'rest', 'bronze', 'silver', 'gold'],
      port: 0,
      credentials: { user: 'admin', password: randomBytes(12).toString('hex') },
      scheduleDriver: null,
      functionEnv: {
        DATABASE_URL: databaseUrl.toString(),
        MONGODB_URL: mongodbUrl.toString(),
        DP_RAW_STORE_URL: pathToFileURL(path.join(dir, 'raw')).href,
        DP_DATA_DIR: dir,
        DP_LOG_LEVEL: 'warn',
        // Each function's heap settings come from stack.yml (NODE_OPTIONS), as in its container.
      },
      log: quiet,
      output: (fn, line) => {
        if (/"level":"(warn|error)"/.test(line)) process.stderr.write(`[${fn}] ${line}\n`);
      },
    });
    const client = createOrchestratorClient({ gatewayUrl: gateway.url });
    // The reconcile tick, as the cron-connector fires it on faasd (every minute there; more often here, so a
    // retried step — one cut at its exec_timeout, say — does not keep the benchmark waiting).
    const gatewayUrl = gateway.url;
    tick = setInterval(() => {
      void fetch(`${gatewayUrl}/function/orchestrator`, { method: 'POST', headers: { ...CRON_HEADERS, 'content-type': 'text/plain' } }).then((response) => response.arrayBuffer()).catch(() => undefined);
    }, 10_000);
    const runOnce = async (label: string): Promise<RunFigures> => {
      const began = performance.now();
      const started = await client.startRuns({ source: 'budget', dataset: 'transactions' });
      const runId = started.runs[0]?.run_id;
      if (runId === undefined) throw new Error(`the run did not start: ${JSON.stringify(started)}`);
      const detail = await waitFor(client, runId);
      if (detail.run.status !== 'succeeded') throw new Error(`run ${runId} ${detail.run.status}: ${JSON.stringify(detail.run.error ?? detail.steps.at(-1))}`);
      // The silver change starts the gold model's run; wait for it too.
      const gold = await waitForGold(client, began);
      return figuresOf(label, performance.now() - began, detail, gold);
    };

    const results: RunFigures[] = [await runOnce('initial load')];
    for (let delta = 1; delta <= deltas; delta += 1) {
      api.applyDelta(deltaShare);
      results.push(await runOnce(`delta ${delta}`));
    }
    printResults(results, baseline);
    const peaks = [...gateway.processIds()].map(([fn, pid]) => `${fn} ${peakRssMb(pid) ?? '?'} MB`);
    process.stdout.write(`\npeak RSS per function process (VmHWM): ${peaks.join(', ')}\n`);
    process.stdout.write(`load after: ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}\n`);
  } finally {
    clearInterval(tick);
    await gateway?.close().catch(() => undefined);
    await api.close();
    await pool.end();
    await mongo.db(name).dropDatabase().catch(() => undefined);
    await mongo.close();
    await withAdminClient(services.databaseUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
    await rm(dir, { recursive: true, force: true });
  }
}

type Baseline = { copyMs: number; insertMs: number; bronzeInsertMs: number; rows: number };

async function measureBaselines(api: BudgetApi, databaseUrl: string, pool: Awaited<ReturnType<typeof createPool>>, mongo: MongoClient, name: string): Promise<Baseline> {
  await pool.query(sql.unsafe`
    CREATE UNLOGGED TABLE public.copy_baseline (id text, date date, amount bigint, memo text, cleared text, approved boolean, account_name text, payee_name text, category_name text, deleted boolean, server_knowledge bigint)`);
  async function* lines(): AsyncGenerator<string> {
    let chunk = '';
    for (let i = 0; i < rows; i += 1) {
      const t = api.transaction(i);
      chunk += `${String(t.id)}\t${String(t.date)}\t${String(t.amount)}\t${encodeCopyField(String(t.memo))}\t${String(t.cleared)}\t${String(t.approved)}\t${encodeCopyField(String(t.account_name))}\t${encodeCopyField(String(t.payee_name))}\t${encodeCopyField(String(t.category_name))}\t${String(t.deleted)}\t${String(t.server_knowledge)}\n`;
      if (chunk.length >= 262_144) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }
  let began = performance.now();
  await createCopyIn(databaseUrl)(['public', 'copy_baseline'], COPY_COLUMNS, lines());
  const copyMs = performance.now() - began;
  await pool.query(sql.unsafe`DROP TABLE public.copy_baseline`);
  const collection = mongo.db(name).collection('insert_baseline');
  began = performance.now();
  for (let first = 0; first < rows; first += 1000) {
    const documents = [];
    for (let i = first; i < Math.min(rows, first + 1000); i += 1) documents.push(api.transaction(i));
    await collection.insertMany(documents, { ordered: false });
  }
  const insertMs = performance.now() - began;
  await collection.drop();
  // The same records as bronze stores them — audit fields added, into a collection with bronze's two indexes:
  // what the store must at least be asked to do for them.
  const hashKey = createKeyHasher([{ name: 'id', type: 'text', path: 'id', role: 'key' }]);
  const indexed = mongo.db(name).collection<Document>('insert_bronze_baseline');
  await indexed.createIndex({ _run_id: 1 }, { name: 'bronze_run_id' });
  await indexed.createIndex({ _key_hash: 1 }, { name: 'bronze_key_hash' });
  const loadedAt = new Date();
  began = performance.now();
  for (let first = 0; first < rows; first += 1000) {
    const documents: Document[] = [];
    for (let i = first; i < Math.min(rows, first + 1000); i += 1) {
      const record = api.transaction(i);
      documents.push(toBronzeDocument(record, { runId: 'baseline', loadedAt, rawFile: `raw/budget/transactions/baseline/part-${Math.floor(i / 5000)}.json`, rawPart: Math.floor(i / 5000), rawIndex: i % 5000, keyHash: keyHashUuid(hashKey(record)), recordHash: hexToUuid(hash128(canonicalJson(record))) }));
    }
    await indexed.insertMany(documents, { ordered: false });
  }
  const bronzeInsertMs = performance.now() - began;
  await indexed.drop();
  return { copyMs, insertMs, bronzeInsertMs, rows };
}

async function waitFor(client: ReturnType<typeof createOrchestratorClient>, runId: string): Promise<RunDetail> {
  for (;;) {
    const detail = await client.getRun(runId);
    if (['succeeded', 'failed', 'skipped'].includes(detail.run.status)) return detail;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function waitForGold(client: ReturnType<typeof createOrchestratorClient>, since: number): Promise<RunDetail | undefined> {
  const sinceDate = Date.now() - (performance.now() - since);
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const runs = await client.listRuns({ source: 'gold', limit: 5 });
    const mine = runs.find((run) => run.created_at !== undefined && run.created_at !== null && new Date(run.created_at).getTime() >= sinceDate - 1000);
    if (mine !== undefined) {
      const detail = await waitFor(client, mine.run_id);
      return detail;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return undefined;
}

function printResults(results: readonly RunFigures[], baseline: Baseline | undefined): void {
  const rateOf = (ms: number): number => (baseline === undefined ? Number.NaN : baseline.rows / (ms / 1000));
  const copyRate = baseline === undefined ? Number.NaN : rateOf(baseline.copyMs);
  const plainRate = baseline === undefined ? Number.NaN : rateOf(baseline.insertMs);
  const insertRate = baseline === undefined ? Number.NaN : rateOf(baseline.bronzeInsertMs);
  if (baseline === undefined) {
    process.stdout.write('floors left out (--skip-floors)\n\n');
  } else {
    process.stdout.write(`floors for the same ${fmt(baseline.rows)} records: plain COPY ${seconds(baseline.copyMs)} s (${fmt(copyRate)} rows/s); plain insertMany of the records as received into a bare collection ${seconds(baseline.insertMs)} s (${fmt(plainRate)} docs/s), and of the same documents as bronze stores them (audit fields, bronze's two indexes) ${seconds(baseline.bronzeInsertMs)} s (${fmt(insertRate)} docs/s)\n`);
    process.stdout.write('x insertMany: the run\'s records/s over the bare insertMany rate; x bronze docs: over the rate of the documents as bronze stores them (the least the store must be asked to do); x COPY: over the COPY rate\n\n');
  }
  const ratio = (rate: number, floor: number, digits: number): string => (Number.isNaN(floor) ? '-' : (rate / floor).toFixed(digits));
  const header = ['run', 'records', 'wall s', 'records/s', 'x insertMany', 'x bronze docs', 'x COPY', 'extract rows/s', 'bronze rows/s', 'silver rows/s', 'gold s', 'longest invocation', 'invocations', 'retried'];
  const table = [header];
  for (const result of results) {
    const rate = result.records / (result.wallMs / 1000);
    const layer = (key: 'extract' | 'bronze' | 'silver'): string => (result.layers[key].ms > 0 ? fmt(result.layers[key].rows / (result.layers[key].ms / 1000)) : '-');
    const longest = Object.entries(result.layers).reduce((best, [key, figures]) => (figures.longestMs > best.ms ? { key, ms: figures.longestMs } : best), { key: '-', ms: 0 });
    const invocations = Object.values(result.layers).reduce((total, figures) => total + figures.invocations, 0);
    table.push([result.label, fmt(result.records), seconds(result.wallMs), fmt(rate), ratio(rate, plainRate, 2), ratio(rate, insertRate, 2), ratio(rate, copyRate, 3), layer('extract'), layer('bronze'), layer('silver'), seconds(result.layers.gold.ms), `${seconds(longest.ms)} s (${longest.key})`, String(invocations), String(result.retried)]);
  }
  const widths = header.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  for (const line of table) process.stdout.write(`${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}\n`);
  const deltasOnly = results.slice(1);
  if (deltasOnly.length > 0) {
    const silver = deltasOnly.map((result) => result.layers.silver.ms);
    process.stdout.write(`\ndeltas: silver ${seconds(Math.min(...silver))}–${seconds(Math.max(...silver))} s per delta; wall ${seconds(Math.min(...deltasOnly.map((r) => r.wallMs)))}–${seconds(Math.max(...deltasOnly.map((r) => r.wallMs)))} s\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:e2e failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
