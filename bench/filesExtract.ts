/**
 * The `files` function on a large CSV export: generates a file of `--mb` megabytes (default 1024) in a folder inbox
 * (read with the same ranged reads as an S3 inbox), starts the real `files` function process as the local gateway
 * does — the template's entrypoint, with stack.yml's environment for `files` (its NODE_OPTIONS heap settings too) —
 * and calls its extract step chunk by chunk, each chunk resumed from the previous one's checkpoint (a byte offset)
 * and cut by the step budget (DP_STEP_BUDGET_MS of stack.yml, or `--chunk-seconds`), as the orchestrator does.
 * Reports records per second, MB per second, the chunks and the longest one, the function process's resident
 * memory before the extract and at its peak (VmHWM), the Node flags it ran with, and the machine's load average.
 * Needs Postgres (found or started like the tests); works in its own throwaway database and temporary folder.
 *
 *   npm run bench:files
 *   npm run bench:files -- --mb 200
 *   npm run bench:files -- --mb 200 --node-options="--max-old-space-size=96"   # other heap settings than stack.yml's
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

import superjson from 'superjson';

import { syncMetadata } from '#metadata/catalog/syncMetadata.ts';
import { connectorSettings } from '#metadata/connectorSettings.ts';
import { validateMetadata } from '#metadata/validateMetadata.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { newRunId } from '#pipeline/runStore/newRunId.ts';
import type { StepResult } from '#pipeline/steps.ts';
import { createPool } from '#platform/db/createPool.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import { projectRoot } from '#platform/env.ts';
import { encodeSuperjson } from '#platform/function/superjsonBody.ts';
import { createLogger } from '#platform/log.ts';
import { createLocalGateway } from '#tools/gateway/createLocalGateway.ts';
import { benchServices, createBenchDatabase } from './benchDatabase.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '1024' }, 'chunk-seconds': { type: 'string' }, 'node-options': { type: 'string' } } });
const megabytes = Number(values.mb);
const chunkSeconds = values['chunk-seconds'] === undefined ? undefined : Number(values['chunk-seconds']);
if (!(megabytes > 0) || (chunkSeconds !== undefined && !(chunkSeconds > 0))) {
  process.stderr.write('usage: npm run bench:files -- [--mb N > 0] [--chunk-seconds N > 0] [--node-options "<flags>"]\n');
  process.exit(2);
}

const SOURCE = `source: bench
description: A large CSV export (benchmark).
connector: files
datasets:
  - name: items
    load: full
    key: [id]
    columns:
      - { name: id, type: bigint }
      - { name: booked, type: date }
      - { name: amount, type: numeric }
      - { name: counterparty, type: text }
      - { name: memo, type: text }
    extract: { format: csv }
`;

/** Writes a CSV export of about `bytes` bytes; returns its rows. */
async function writeExport(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  out.write('id,booked,amount,counterparty,memo\n');
  let written = 0;
  let id = 0;
  while (written < bytes) {
    let chunk = '';
    for (let i = 0; i < 2000; i += 1) {
      id += 1;
      chunk += `${id},2026-0${1 + (id % 9)}-1${id % 10},${(id % 100000) / 100},"Counterparty ${id % 977}, Ltd","memo for ${id} with some text to make the row longer"\n`;
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.end(() => resolve()));
  return id;
}

/** A field of /proc/<pid>/status in MB (VmRSS: now, VmHWM: the peak since the process started). */
function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Math.round(Number(match[1]) / 1024);
}

/** The Node flags a process runs with: its command line's options, and NODE_OPTIONS from its environment. */
function nodeFlags(pid: number): string {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((arg) => arg.startsWith('--'));
  const options = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').find((entry) => entry.startsWith('NODE_OPTIONS='))?.slice('NODE_OPTIONS='.length) ?? '';
  return [...argv, options].join(' ').trim() || '(none)';
}

const load = (): string => os.loadavg().map((value) => value.toFixed(2)).join(' ');
const fmt = (value: number): string => Math.round(value).toLocaleString('en-US');

async function main(): Promise<void> {
  const services = await benchServices();
  const bench = await createBenchDatabase(services);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-bench-files-'));
  const pool = await createPool({ url: bench.databaseUrl });
  const quiet = createLogger({ format: 'text', fields: {}, level: 'warn', sink: (line) => process.stderr.write(`[bench] ${line}\n`) });
  let gateway: Awaited<ReturnType<typeof createLocalGateway>> | undefined;
  try {
    await migrateDatabase({ url: bench.databaseUrl });
    const validation = validateMetadata([{ path: 'bench.yml', text: SOURCE }], { connectors: connectorSettings });
    if (validation.metadata === undefined) throw new Error(`benchmark metadata does not validate: ${JSON.stringify(validation.issues)}`);
    await syncMetadata(pool, validation.metadata);
    const inbox = path.join(dir, 'inbox', 'bench', 'items');
    await mkdir(inbox, { recursive: true });
    const file = path.join(inbox, 'export.csv');
    const rows = await writeExport(file, megabytes * 1024 * 1024);
    const size = (await stat(file)).size;

    gateway = await createLocalGateway({
      stackFile: path.join(projectRoot, 'stack.yml'),
      only: ['files'],
      port: 0,
      credentials: { user: 'admin', password: randomBytes(12).toString('hex') },
      scheduleDriver: null,
      functionEnv: {
        DATABASE_URL: bench.databaseUrl,
        MONGODB_URL: bench.mongodbUrl,
        DP_RAW_STORE_URL: pathToFileURL(path.join(dir, 'raw')).href,
        DP_DATA_DIR: dir,
        DP_LOG_LEVEL: 'warn',
        ...(chunkSeconds === undefined ? {} : { DP_STEP_BUDGET_MS: String(chunkSeconds * 1000) }),
        ...(values['node-options'] === undefined ? {} : { NODE_OPTIONS: values['node-options'] }),
      },
      log: quiet,
      output: (fn, line) => {
        if (/"level":"(warn|error)"/.test(line)) process.stderr.write(`[${fn}] ${line}\n`);
      },
    });
    const pid = gateway.pidOf('files');
    if (pid === undefined) throw new Error('the files function did not start');
    const rssBefore = procMb(pid, 'VmRSS');
    process.stdout.write(`files extract benchmark: ${(size / 1024 / 1024).toFixed(0)} MB, ${fmt(rows)} rows; the files function (Node ${process.version}, flags ${nodeFlags(pid)}), ${os.cpus().length} cores, load average ${load()}\n`);

    const runId = newRunId();
    await insertActiveRun(pool, { runId, kind: 'dataset', source: 'bench', dataset: 'items', load: 'full', trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
    let checkpoint: unknown;
    let records = 0;
    let chunks = 0;
    let longestMs = 0;
    const rssAfterChunks: number[] = [];
    // where in the extract the peak comes: VmRSS sampled while chunks run
    let sampled = { mb: 0, chunk: 0 };
    const sampler = setInterval(() => {
      const mb = procMb(pid, 'VmRSS');
      if (mb > sampled.mb) sampled = { mb, chunk: chunks };
    }, 100);
    const started = performance.now();
    for (;;) {
      const chunkStarted = performance.now();
      const request = { runId, source: 'bench', dataset: 'items', step: 'extract', chunk: chunks, ...(checkpoint === undefined ? {} : { checkpoint }) };
      const response = await fetch(`${gateway.url}/function/files`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(encodeSuperjson(request)) });
      const text = await response.text();
      if (!response.ok) throw new Error(`chunk ${chunks} answered ${response.status}: ${text.slice(0, 500)}`);
      const result = superjson.deserialize(JSON.parse(text) as never) as StepResult;
      longestMs = Math.max(longestMs, performance.now() - chunkStarted);
      chunks += 1;
      records += result.counts.read;
      rssAfterChunks.push(procMb(pid, 'VmRSS'));
      if (result.status === 'done') break;
      checkpoint = result.checkpoint;
    }
    clearInterval(sampler);
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`extracted ${fmt(records)} records in ${chunks} chunks (longest ${(longestMs / 1000).toFixed(1)} s), ${seconds.toFixed(1)} s: ${fmt(records / seconds)} records/s, ${(size / 1024 / 1024 / seconds).toFixed(1)} MB/s\n`);
    process.stdout.write(`files function RSS: ${rssBefore} MB before the extract, peak ${procMb(pid, 'VmHWM')} MB (VmHWM); highest sample ${sampled.mb} MB in chunk ${sampled.chunk + 1}; after each chunk ${rssAfterChunks.join(' ')} MB; load average after: ${load()}\n`);
    if (records !== rows) throw new Error(`the export has ${rows} rows but ${records} records were extracted`);
  } finally {
    await gateway?.close().catch(() => undefined);
    await pool.end();
    await rm(dir, { recursive: true, force: true });
    await bench.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
