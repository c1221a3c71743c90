/**
 * Silver merge benchmark: `npm run bench:silver [-- --rows 1000000 --change-share 0.026 --delete-share 0.005]`
 *
 * Generates N records in Node and, on the same Postgres in the same run, measures
 *   1. a plain COPY of those rows into an unlogged table (the floor any loader pays),
 *   2. the initial merge of the rows into an empty silver table,
 *   3. the merge of a second snapshot in which a share of the rows changed (half in scd2 columns,
 *      half only in a scd1 column) and a share is gone (full load: deleted),
 * and prints time, rows/s, the ratio to COPY and the process' peak RSS. The records are generated
 * while streaming, so memory stays flat at any N. Services are found or started like the test runner
 * does; the benchmark works in its own throwaway database and drops it at the end.
 */
import { parseArgs } from 'node:util';

import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { createCopyIn } from '#platform/db/createCopyIn.ts';
import { createPool } from '#platform/db/createPool.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import { sql } from '#platform/db/sql.ts';
import { datasetSchema, sourceSchema, type DatasetRef } from '#metadata/schema.ts';
import { encodeCopyField } from '#silver/encodeCopyField.ts';
import { mergeSilverRecords, type SilverMergeResult } from '#silver/mergeSilverRecords.ts';
import type { SilverInput } from '#silver/stageSilverBatch.ts';
import { benchServices, createBenchDatabase } from './benchDatabase.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    'change-share': { type: 'string', default: '0.026' },
    'delete-share': { type: 'string', default: '0.005' },
  },
});
const rows = Number(args.rows);
const changeShare = Number(args['change-share']);
const deleteShare = Number(args['delete-share']);
if (!Number.isInteger(rows) || rows < 1 || !(changeShare >= 0 && changeShare <= 1) || !(deleteShare >= 0 && deleteShare + changeShare <= 1)) {
  process.stderr.write('usage: npm run bench:silver -- [--rows N (whole number ≥ 1)] [--change-share 0..1] [--delete-share 0..1, with change + delete ≤ 1]\n');
  process.exit(2);
}

const datasetYaml = {
  name: 'items',
  load: 'full',
  key: ['id'],
  columns: [
    { name: 'id', type: 'bigint' },
    { name: 'name', type: 'text' },
    { name: 'amount', type: 'numeric' },
    { name: 'category', type: 'text' },
    { name: 'booked_on', type: 'date' },
    { name: 'account', type: 'text', source: 'account.name' },
    { name: 'note', type: 'text', scd: 1 },
    { name: 'synced_at', type: 'timestamptz', scd: 'none' },
  ],
};
const dataset: DatasetRef = { source: sourceSchema.parse({ source: 'bench', connector: 'files', datasets: [datasetYaml] }), dataset: datasetSchema.parse(datasetYaml) };
const CATEGORIES = ['groceries', 'rent', 'travel', 'salary', 'utilities', 'dining', 'health'];

/** A fixed pseudo-random share in [0, 1) per row, so both snapshots agree on which rows change. */
const shareOf = (i: number): number => ((Math.imul(i, 2_654_435_761) >>> 0) % 1_000_000) / 1_000_000;

type Row = { id: number; name: string; amount: string; category: string; booked_on: string; account: { name: string }; note: string; synced_at: string };

function makeRow(i: number, snapshot: 1 | 2): Row | null {
  const share = shareOf(i);
  const changed = snapshot === 2 && share < changeShare;
  if (snapshot === 2 && share >= changeShare && share < changeShare + deleteShare) return null;
  const scd2Change = changed && i % 2 === 0;
  const day = 1 + (i % 28);
  return {
    id: i,
    name: `item ${i}`,
    amount: `${Math.floor(i / 7) % 10_000}.${String(i % 100).padStart(2, '0')}${scd2Change ? '1' : ''}`,
    category: CATEGORIES[i % CATEGORIES.length] as string,
    booked_on: `2026-02-${String(day).padStart(2, '0')}`,
    account: { name: `account ${i % 12}` },
    note: changed && !scd2Change ? `note ${i} (edited)` : `note ${i}`,
    synced_at: `2026-03-0${snapshot}T10:00:00Z`,
  };
}

/** The most V8 heap in use seen between batches: what the process really holds, unlike RSS, which the collector sizes. */
let peakHeapUsed = 0;

async function* batches(snapshot: 1 | 2): AsyncGenerator<readonly SilverInput[]> {
  let batch: SilverInput[] = [];
  for (let i = 1; i <= rows; i += 1) {
    const row = makeRow(i, snapshot);
    if (row !== null) batch.push({ seq: i, record: row });
    if (batch.length === 2000) {
      yield batch;
      batch = [];
      peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed);
    }
  }
  if (batch.length > 0) yield batch;
}

async function* copyLines(): AsyncGenerator<string> {
  let chunk = '';
  for (let i = 1; i <= rows; i += 1) {
    const row = makeRow(i, 1) as Row;
    chunk += `${row.id}\t${encodeCopyField(row.name)}\t${row.amount}\t${row.category}\t${row.booked_on}\t${encodeCopyField(row.account.name)}\t${encodeCopyField(row.note)}\t${row.synced_at}\n`;
    if (chunk.length >= 262_144) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(2);
const perSecond = (count: number, ms: number): string => Math.round(count / (ms / 1000)).toLocaleString('en-US');
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

async function main(): Promise<void> {
  const startupRssMb = Math.round(process.memoryUsage.rss() / 1024 / 1024);
  const bench = await createBenchDatabase(await benchServices());
  const url = new URL(bench.databaseUrl);
  const pool = await createPool({ url: url.toString(), statementTimeoutMs: 30 * 60_000 });
  const copyIn = createCopyIn(url.toString());
  try {
    await migrateDatabase({ url: url.toString() });
    const version = await pool.oneFirst(sql.unsafe`SELECT current_setting('server_version') AS version`);
    process.stdout.write(`silver merge benchmark: ${rows.toLocaleString('en-US')} rows, change share ${changeShare}, delete share ${deleteShare}, Postgres ${String(version)}, Node ${process.version}\n\n`);

    await pool.query(sql.unsafe`
      CREATE UNLOGGED TABLE public.copy_baseline (id bigint, name text, amount numeric, category text, booked_on date, account text, note text, synced_at timestamptz)`);
    let started = performance.now();
    const copied = await copyIn(['public', 'copy_baseline'], ['id', 'name', 'amount', 'category', 'booked_on', 'account', 'note', 'synced_at'], copyLines());
    const copyMs = performance.now() - started;
    await pool.query(sql.unsafe`DROP TABLE public.copy_baseline`);

    const merge = async (runId: string, snapshot: 1 | 2): Promise<{ result: SilverMergeResult; ms: number }> => {
      await insertActiveRun(pool, { runId, kind: 'dataset', source: 'bench', dataset: 'items', load: 'full', trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
      const begin = performance.now();
      const result = await mergeSilverRecords({ pool, copyIn, dataset, runId, batches: batches(snapshot) });
      const ms = performance.now() - begin;
      await finishRun(pool, runId, { status: 'succeeded' }, new Date());
      return { result, ms };
    };
    started = performance.now();
    const initial = await merge('bench-1', 1);
    const change = await merge('bench-2', 2);

    const lines = [
      ['step', 'rows', 'seconds', 'rows/s', 'x COPY'],
      ['plain COPY into an unlogged table', copied.toLocaleString('en-US'), seconds(copyMs), perSecond(copied, copyMs), '1.00'],
      ['silver merge, initial load', initial.result.counts.read.toLocaleString('en-US'), seconds(initial.ms), perSecond(initial.result.counts.read, initial.ms), (initial.ms / copyMs).toFixed(2)],
      ['silver merge, changes and deletes', change.result.counts.read.toLocaleString('en-US'), seconds(change.ms), perSecond(change.result.counts.read, change.ms), (change.ms / copyMs).toFixed(2)],
    ];
    const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
    for (const line of lines) process.stdout.write(`${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}\n`);
    const c = change.result.counts;
    process.stdout.write(`\ninitial: stage ${seconds(initial.result.timings.stageMs)} s, merge transaction ${seconds(initial.result.timings.mergeMs)} s\n`);
    process.stdout.write(`change:  stage ${seconds(change.result.timings.stageMs)} s, merge transaction ${seconds(change.result.timings.mergeMs)} s; inserted ${c.inserted}, updated ${c.updated}, closed ${c.closed}, deleted ${c.deleted}, unchanged ${c.unchanged}\n`);
    process.stdout.write(`peak RSS of the benchmark process: ${peakRssMb()} MB (${startupRssMb} MB after start-up, before any rows); peak V8 heap in use while merging: ${Math.round(peakHeapUsed / 1024 / 1024)} MB\n`);
  } finally {
    await pool.end();
    await bench.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:silver failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
