/**
 * Lifecycle benchmark: how long backup, restore and replay take.
 *
 *   npm run bench:lifecycle -- --demo              the demo through the real `dp` commands (each a new process)
 *   npm run bench:lifecycle -- --rows 1000000      a generated dataset through the same shared functions
 *
 * --demo: `dp up --demo --exit`, then `dp backup`, a second `dp backup` (incremental), every database and the
 * raw store dropped, `dp restore latest`, the upgrade's own commands (`dp migrate`, `dp metadata sync`) and
 * `dp replay bank.transactions`.
 * --rows N: a delta dataset loaded in two runs (N records, then 2.6 % of them changed) through raw, bronze and
 * silver; then a backup (custom format), a second one (incremental), a backup in the directory format with two
 * pg_dump workers, a restore into an empty platform, and an upgrade: migrations, a metadata sync that retypes a
 * column, and the replay of the dataset under the new metadata.
 * --rows N --replay-only: the same two loads, then only the upgrade (migrations, the retyping sync, the replay):
 * backups and restore are skipped, so the replay is measured without their hour of work before it.
 *
 * Everything runs on the services the test runner uses (found or started), in throwaway databases and folders
 * that are dropped at the end. The machine's load average is printed beside each figure: measure when it is quiet.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import pg from 'pg';

import { loadBronze } from '#bronze/loadBronze.ts';
import { previewMetadataChanges } from '#metadata/catalog/previewMetadataChanges.ts';
import { syncMetadata } from '#metadata/catalog/syncMetadata.ts';
import { validateMetadata } from '#metadata/validateMetadata.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { createCopyIn } from '#platform/db/createCopyIn.ts';
import { createPool } from '#platform/db/createPool.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import type { DatabasePool } from '#platform/db/sql.ts';
import { getEnv, projectRoot } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { createMongoClient } from '#platform/mongo/createMongoClient.ts';
import { createFolderObjectStore } from '#platform/raw/createFolderObjectStore.ts';
import { createRawStore } from '#platform/raw/createRawStore.ts';
import { mergeSilver } from '#silver/mergeSilver.ts';
import { syncMetadataAgainstSilver } from '#silver/syncMetadataAgainstSilver.ts';
import { formatBytes } from '#lifecycle/archive/formatBytes.ts';
import { createBackup } from '#lifecycle/backup/createBackup.ts';
import { replayDataset } from '#lifecycle/replay/replayDataset.ts';
import { restoreBackup } from '#lifecycle/restore/restoreBackup.ts';
import { ensureServices } from '#tools/services/services.ts';
import { withAdminClient } from '#tools/services/withAdminClient.ts';
import { freePort } from '#support/freePort.ts';

const { values: args } = parseArgs({ options: { rows: { type: 'string' }, demo: { type: 'boolean', default: false }, 'replay-only': { type: 'boolean', default: false }, 'part-size': { type: 'string', default: '10000' } } });
const rows = args.rows === undefined ? undefined : Number(args.rows);
const partSize = Number(args['part-size']);
if ((rows === undefined) === !args.demo || (rows !== undefined && (!Number.isInteger(rows) || rows < 1)) || !Number.isInteger(partSize) || partSize < 1 || (args['replay-only'] && rows === undefined)) {
  process.stderr.write('usage: npm run bench:lifecycle -- --demo | --rows N [--replay-only] [--part-size 10000]\n');
  process.exit(2);
}

type Measure = { readonly step: string; readonly seconds: number; readonly note: string; readonly load: string };
const measures: Measure[] = [];
const seconds = (ms: number): string => (ms / 1000).toFixed(1);
const loadNow = (): string => os.loadavg().map((value) => value.toFixed(1)).join(' ');

async function measure<T>(step: string, work: () => Promise<T>, note: (result: T) => string = () => ''): Promise<T> {
  const before = loadNow();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  measures.push({ step, seconds, note: note(result), load: `${before} → ${loadNow()}` });
  process.stderr.write(`${step}: ${seconds.toFixed(1)} s\n`);
  return result;
}

function printTable(title: string): void {
  process.stdout.write(`\n${title}\n\n| step | seconds | what | load average (1, 5, 15 min) before → after |\n|---|---:|---|---|\n`);
  for (const row of measures) process.stdout.write(`| ${row.step} | ${row.seconds.toFixed(1)} | ${row.note} | ${row.load} |\n`);
  process.stdout.write(`\n${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`);
}

type Throwaway = { readonly url: string; readonly mongoUrl: string; readonly rawDir: string; readonly drop: () => Promise<void> };

/** An empty platform: a database (created, not migrated), a bronze database name, a raw folder. */
async function throwaway(databaseUrl: string, mongodbUrl: string, create = true): Promise<Throwaway> {
  const name = `dp_bench_${randomBytes(4).toString('hex')}`;
  if (create) await withAdminClient(databaseUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const mongoUrl = new URL(mongodbUrl);
  mongoUrl.pathname = `/${name}`;
  const rawDir = await mkdtemp(path.join(os.tmpdir(), 'dp-bench-raw-'));
  return {
    url: url.toString(),
    mongoUrl: mongoUrl.toString(),
    rawDir,
    drop: async () => {
      await withAdminClient(databaseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
      const client = await createMongoClient({ url: mongoUrl.toString() });
      await client.db().dropDatabase().catch(() => undefined);
      await client.close();
      await rm(rawDir, { recursive: true, force: true });
    },
  };
}

function runDp(argv: readonly string[], env: Readonly<Record<string, string>>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'tools/cli/dp.mjs'), ...argv], { cwd: projectRoot, env: { ...process.env, ...env, DP_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`dp ${argv.join(' ')} exited with ${code}: ${err.slice(-2000)}`))));
  });
}

async function benchDemo(databaseUrl: string, mongodbUrl: string): Promise<void> {
  const platform = await throwaway(databaseUrl, mongodbUrl);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'dp-bench-demo-'));
  const backups = await mkdtemp(path.join(os.tmpdir(), 'dp-bench-backups-'));
  const port = await freePort();
  const env = { DATABASE_URL: platform.url, MONGODB_URL: platform.mongoUrl, DP_DATA_DIR: dataDir, DP_BACKUP_URL: pathToFileURL(backups).href, DP_GATEWAY_PORT: String(port), DP_GATEWAY_URL: `http://127.0.0.1:${port}`, DP_GATEWAY_PASSWORD: 'bench-lifecycle' };
  try {
    await measure('`dp up --demo --exit` (for reference)', () => runDp(['up', '--demo', '--exit'], env));
    await measure('`dp backup`', () => runDp(['backup'], env), (out) => /: (.* stored, .* raw files)/.exec(out)?.[1] ?? '');
    await measure('`dp backup` again (incremental)', () => runDp(['backup'], env), (out) => /: (.* stored, .* raw files)/.exec(out)?.[1] ?? '');
    await withAdminClient(databaseUrl, (client) => client.query(`DROP DATABASE ${pg.escapeIdentifier(new URL(platform.url).pathname.slice(1))} WITH (FORCE)`));
    const client = await createMongoClient({ url: platform.mongoUrl });
    await client.db().dropDatabase();
    await client.close();
    await rm(path.join(dataDir, 'raw'), { recursive: true, force: true });
    await measure('`dp restore latest` into an empty platform', () => runDp(['restore', 'latest'], env), (out) => (/every count matches/.test(out) ? 'every count matches the manifest' : out.split('\n').at(-2) ?? ''));
    await measure('upgrade: `dp migrate`', () => runDp(['migrate'], env), (out) => out.trim());
    await measure('upgrade: `dp metadata sync`', () => runDp(['metadata', 'sync'], env), (out) => out.split('\n').at(-2) ?? '');
    await measure('`dp replay bank.transactions`', () => runDp(['replay', 'bank.transactions'], env), (out) => out.split('\n')[0] ?? '');
    printTable('Demo (two bank snapshots: 2 datasets, 4 runs), through the real `dp` commands; each figure includes starting Node');
  } finally {
    await platform.drop();
    await rm(dataDir, { recursive: true, force: true });
    await rm(backups, { recursive: true, force: true });
  }
}

const SOURCE_YAML = `source: bench
connector: files
datasets:
  - name: items
    load: delta
    key: [id]
    columns:
      - { name: id, type: bigint }
      - { name: name, type: text }
      - { name: amount, type: numeric }
      - { name: category, type: text }
      - { name: booked_on, type: date }
      - { name: account, type: text, source: account.name }
      - { name: note, type: text, scd: 1 }
      - { name: synced_at, type: timestamptz, scd: 'none' }
`;
const CATEGORIES = ['groceries', 'rent', 'travel', 'salary', 'utilities', 'dining', 'health'];
const CHANGE_SHARE = 0.026;
const changed = (i: number): boolean => ((Math.imul(i, 2_654_435_761) >>> 0) % 1_000_000) / 1_000_000 < CHANGE_SHARE;

function item(i: number, run: 1 | 2) {
  const edit = run === 2;
  return {
    id: i,
    name: `item ${i}`,
    amount: `${Math.floor(i / 7) % 10_000}.${String(i % 100).padStart(2, '0')}${edit && i % 2 === 0 ? '1' : ''}`,
    category: CATEGORIES[i % CATEGORIES.length],
    booked_on: `2026-02-${String(1 + (i % 28)).padStart(2, '0')}`,
    account: { name: `account ${i % 12}` },
    note: edit && i % 2 === 1 ? `note ${i} (edited)` : `note ${i}`,
    synced_at: `2026-03-0${run}T10:00:00Z`,
  };
}

async function loadRun(pool: DatabasePool, platform: Throwaway, run: 1 | 2, versionId: number): Promise<void> {
  const total = rows as number;
  const runId = `bench-${run}`;
  const createdAt = new Date(Date.UTC(2026, 2, run, 10));
  const raw = createRawStore(createFolderObjectStore(platform.rawDir));
  const ref = { source: 'bench', dataset: 'items', runId, startedAt: createdAt };
  await insertActiveRun(pool, { runId, kind: 'dataset', source: 'bench', dataset: 'items', load: 'delta', trigger: 'manual', triggerDetail: {}, metadataVersion: versionId }, createdAt);
  await measure(`load run ${run}: raw parts of ${partSize.toLocaleString('en-US')} records`, async () => {
    let part = 0;
    let batch: ReturnType<typeof item>[] = [];
    let written = 0;
    for (let i = 1; i <= total; i += 1) {
      if (run === 2 && !changed(i)) continue;
      batch.push(item(i, run));
      if (batch.length === partSize) {
        await raw.writePart(ref, part, batch);
        written += batch.length;
        part += 1;
        batch = [];
      }
    }
    if (batch.length > 0 || part === 0) {
      await raw.writePart(ref, part, batch);
      written += batch.length;
    }
    await raw.writeManifest(ref, true);
    return written;
  }, (written) => `${written.toLocaleString('en-US')} records`);
  const client = await createMongoClient({ url: platform.mongoUrl });
  try {
    const metadata = validateMetadata([{ path: 'bench.yml', text: SOURCE_YAML }]).metadata!;
    const dataset = { source: metadata.sources[0]!, dataset: metadata.sources[0]!.datasets[0]! };
    await measure(`load run ${run}: bronze`, () => loadBronze({ rawStore: raw, db: client.db(), dataset, run: { runId, startedAt: createdAt } }), (result) => `${result.inserted.toLocaleString('en-US')} documents`);
    await measure(`load run ${run}: silver`, () => mergeSilver({ pool, copyIn: createCopyIn(platform.url), db: client.db(), dataset, runId }), (result) => `${result.counts.read.toLocaleString('en-US')} read, ${result.counts.inserted.toLocaleString('en-US')} inserted, ${result.counts.updated.toLocaleString('en-US')} updated`);
    await finishRun(pool, runId, { status: 'succeeded' }, new Date());
  } finally {
    await client.close();
  }
}

async function benchRows(databaseUrl: string, mongodbUrl: string): Promise<void> {
  const platform = await throwaway(databaseUrl, mongodbUrl);
  const restored = await throwaway(databaseUrl, mongodbUrl);
  const backups = await mkdtemp(path.join(os.tmpdir(), 'dp-bench-backups-'));
  const parallel = await mkdtemp(path.join(os.tmpdir(), 'dp-bench-backups-dir-'));
  const work = await mkdtemp(path.join(os.tmpdir(), 'dp-bench-work-'));
  const pool = await createPool({ url: platform.url, statementTimeoutMs: 6 * 3_600_000, maximumPoolSize: 3 });
  const restoredPool = await createPool({ url: restored.url, statementTimeoutMs: 6 * 3_600_000, maximumPoolSize: 3 });
  const mongo = await createMongoClient({ url: platform.mongoUrl });
  const restoredMongo = await createMongoClient({ url: restored.mongoUrl });
  try {
    await migrateDatabase({ url: platform.url });
    const synced = await syncMetadata(pool, validateMetadata([{ path: 'bench.yml', text: SOURCE_YAML }]).metadata!);
    await loadRun(pool, platform, 1, synced.versionId);
    await loadRun(pool, platform, 2, synced.versionId);
    const options = { pool, databaseUrl: platform.url, bronze: mongo.db(), raw: createFolderObjectStore(platform.rawDir), workDir: work } as const;
    const describe = (result: Awaited<ReturnType<typeof createBackup>>): string => {
      const manifest = result.manifest;
      const dump = manifest.postgres.files.reduce((sum, file) => sum + file.bytes, 0);
      const bronze = manifest.bronze.collections.reduce((sum, collection) => sum + collection.file.bytes, 0);
      const t = result.timings;
      return `pg_dump ${seconds(t.postgresMs)} s → ${formatBytes(dump)} (${manifest.postgres.tables.reduce((sum, table) => sum + table.rows, 0).toLocaleString('en-US')} rows); bronze ${seconds(t.bronzeMs)} s → ${formatBytes(bronze)} (${manifest.bronze.collections.reduce((sum, collection) => sum + collection.documents, 0).toLocaleString('en-US')} documents); raw ${seconds(t.rawMs)} s → ${manifest.raw.new_objects} of ${manifest.raw.objects.length} files stored (${formatBytes(manifest.raw.new_bytes)})`;
    };
    if (!args['replay-only']) {
      const first = await measure('backup (custom format, 1 pg_dump worker)', () => createBackup({ ...options, target: createFolderObjectStore(backups) }), describe);
      await measure('backup again (incremental)', () => createBackup({ ...options, target: createFolderObjectStore(backups) }), describe);
      await measure('backup, directory format, 2 pg_dump workers', () => createBackup({ ...options, target: createFolderObjectStore(parallel), jobs: 2 }), describe);
      await measure('restore into an empty platform (pg_restore -j2)', () => restoreBackup({ target: createFolderObjectStore(backups), id: first.id, pool: restoredPool, databaseUrl: restored.url, bronze: restoredMongo.db(), raw: createFolderObjectStore(restored.rawDir), workDir: work }), (result) => `pg_restore ${seconds(result.timings.postgresMs)} s, bronze ${seconds(result.timings.bronzeMs)} s, raw ${seconds(result.timings.rawMs)} s, counts ${seconds(result.timings.verifyMs)} s: ${result.verification.ok ? 'every count matches the manifest' : `${result.verification.mismatches.length} mismatches`}`);
    }
    await measure('upgrade: migrations', () => migrateDatabase({ url: platform.url }), (result) => `${result.applied.length} pending`);
    const retyped = validateMetadata([{ path: 'bench.yml', text: SOURCE_YAML.replace('{ name: amount, type: numeric }', '{ name: amount, type: double precision }') }]).metadata!;
    await measure(
      'upgrade: metadata sync (what changes, then the sync)',
      async () => {
        const previews = await previewMetadataChanges(pool, retyped);
        await syncMetadataAgainstSilver(pool, retyped, { allowRetypes: true });
        return previews;
      },
      (previews) => previews.flatMap((preview) => preview.changes.map((change) => `${change.what}; ${preview.replay ?? 'no replay'}`)).join('; '),
    );
    await measure('replay bench.items (2 runs) under the new metadata', () => replayDataset({ progress: (event) => process.stderr.write(`[replay] ${new Date().toISOString()} ${event.message}\n`), pool, copyIn: createCopyIn(platform.url), bronze: mongo.db(), rawStore: createRawStore(createFolderObjectStore(platform.rawDir)), source: 'bench', dataset: 'items', dropOld: true }), (result) => `bronze ${seconds(result.timings.bronzeMs)} s, silver ${seconds(result.timings.silverMs)} s (${result.runs.map((run) => `${run.counts.read.toLocaleString('en-US')} read`).join(', ')}), swap ${seconds(result.timings.swapMs)} s`);
    printTable(`${(rows as number).toLocaleString('en-US')} records (delta dataset, 8 columns; run 1: every record, run 2: ${(CHANGE_SHARE * 100).toFixed(1)} % changed)`);
  } finally {
    await Promise.allSettled([pool.end(), restoredPool.end(), mongo.close(), restoredMongo.close()]);
    await Promise.allSettled([platform.drop(), restored.drop(), rm(backups, { recursive: true, force: true }), rm(parallel, { recursive: true, force: true }), rm(work, { recursive: true, force: true })]);
  }
}

async function main(): Promise<void> {
  const env = getEnv();
  const services = await ensureServices(env, createLogger({ format: 'text', fields: {}, level: 'warn', sink: (line) => process.stderr.write(`[services] ${line}\n`) }));
  process.stderr.write(`load average at start: ${loadNow()}\n`);
  if (args.demo) await benchDemo(services.databaseUrl, services.mongodbUrl);
  else await benchRows(services.databaseUrl, services.mongodbUrl);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:lifecycle failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
