/**
 * What crosses the slow store: `npm run bench:storage [-- --rows 100000]`
 *
 * Measures, for the same YNAB-like records on the same MongoDB-wire store and Postgres, in one run:
 *   - writing bronze: insertMany in batches of 1,000 and 5,000 (unordered), and 1,000 on two connections at once;
 *   - reading one run back: one cursor, two cursors at once (split by raw part), and the same read of a small
 *     run while the collection holds the large one (what a delta pays as history grows);
 *   - staging silver from records in memory (map, hash, COPY);
 *   - bronze and silver staging in ONE pass (the slice inserted and staged at once) against two passes (bronze
 *     first, then silver reading bronze back).
 * The records go through the platform's own code (toBronzeDocument, createStagingEncoder), so the figures are the
 * steps' own costs without the function runtime. Throwaway databases; services found or started as for tests.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';

import { MongoClient, type Collection, type Document } from 'mongodb';

import { toBronzeDocument, toReceivedRecord } from '#bronze/bronzeDocument.ts';
import { datasetSchema, sourceSchema, type DatasetRef } from '#metadata/schema.ts';
import { canonicalJson } from '#pipeline/records/canonicalJson.ts';
import { createKeyHasher, keyHashUuid } from '#pipeline/records/computeKeyHash.ts';
import { hash128, hexToUuid } from '#pipeline/records/hash128.ts';
import { recordSeq } from '#pipeline/records/recordSeq.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { createCopyIn } from '#platform/db/createCopyIn.ts';
import { createPool } from '#platform/db/createPool.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import { createStagingEncoder, STAGE_COLUMNS } from '#silver/createStagingEncoder.ts';
import { createStagingTables, stagingTableName } from '#silver/openRunStaging.ts';
import { benchServices, createBenchDatabase } from './benchDatabase.ts';
import { startBudgetApi } from './budgetApi.ts';

const { values: args } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const rows = Number(args.rows);
if (!Number.isInteger(rows) || rows < 1000) {
  process.stderr.write('usage: npm run bench:storage -- [--rows N ≥ 1000]\n');
  process.exit(2);
}
const PART = 10_000;

const datasetYaml = {
  name: 'transactions',
  load: 'delta',
  key: ['id'],
  deleted_flag: 'deleted',
  columns: [
    { name: 'id', type: 'text' }, { name: 'date', type: 'date' }, { name: 'amount', type: 'bigint' }, { name: 'memo', type: 'text', scd: 1 },
    { name: 'cleared', type: 'text' }, { name: 'approved', type: 'boolean' }, { name: 'account_name', type: 'text' }, { name: 'payee_name', type: 'text' },
    { name: 'category_name', type: 'text' }, { name: 'deleted', type: 'boolean', scd: 'none' }, { name: 'server_knowledge', type: 'bigint', scd: 'none' },
  ],
};
const dataset: DatasetRef = { source: sourceSchema.parse({ source: 'budget', connector: 'rest', config: { base_url: 'http://x' }, datasets: [datasetYaml] }), dataset: datasetSchema.parse(datasetYaml) };
const plan = resolveDatasetColumns(dataset);
const hashKey = createKeyHasher(plan.key);

const rate = (count: number, ms: number): string => Math.round(count / (ms / 1000)).toLocaleString('en-US');
const lines: string[][] = [['what', 'records', 'seconds', 'records/s']];
const report = (what: string, count: number, ms: number): void => {
  lines.push([what, count.toLocaleString('en-US'), (ms / 1000).toFixed(2), rate(count, ms)]);
  process.stderr.write(`  ${what}: ${rate(count, ms)}/s\n`);
};

function documentsOf(records: readonly Record<string, unknown>[], runId: string, part: number, first: number): Document[] {
  const loadedAt = new Date();
  return records.map((record, offset) => toBronzeDocument(record, { runId, loadedAt, rawFile: `raw/${runId}/part-${part}.json`, rawPart: part, rawIndex: first + offset, keyHash: keyHashUuid(hashKey(record)), recordHash: hexToUuid(hash128(canonicalJson(record))) }));
}

async function main(): Promise<void> {
  const { name, databaseUrl, mongodbUrl, drop } = await createBenchDatabase(await benchServices());
  const api = await startBudgetApi({ transactions: rows });
  const records = Array.from({ length: rows }, (_, i) => api.transaction(i));
  await api.close();
  const pool = await createPool({ url: databaseUrl });
  const copyIn = createCopyIn(databaseUrl);
  const mongo = new MongoClient(mongodbUrl, { retryWrites: false, maxPoolSize: 8 });
  try {
    await mongo.connect();
    await migrateDatabase({ url: databaseUrl });
    process.stdout.write(`storage benchmark: ${rows.toLocaleString('en-US')} YNAB-like records; ${os.cpus().length} cores, load ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}\n`);
    const db = mongo.db(name);
    const fresh = async (collection: string): Promise<Collection<Document>> => {
      const made = db.collection(collection);
      await made.createIndex({ _run_id: 1 }, { name: 'bronze_run_id' });
      await made.createIndex({ _key_hash: 1 }, { name: 'bronze_key_hash' });
      return made;
    };
    const insertAll = async (collection: Collection<Document>, runId: string, batch: number, lanes: number): Promise<number> => {
      const began = performance.now();
      let next = 0;
      await Promise.all(Array.from({ length: lanes }, async () => {
        for (;;) {
          const first = next;
          next += batch;
          if (first >= rows) return;
          const part = Math.floor(first / PART);
          await collection.insertMany(documentsOf(records.slice(first, Math.min(rows, first + batch)), runId, part, first - part * PART), { ordered: false });
        }
      }));
      return performance.now() - began;
    };

    // Writing bronze.
    for (const [batch, lanes] of [[1000, 1], [5000, 1], [1000, 2]] as const) {
      const collection = await fresh(`insert_${batch}_${lanes}`);
      report(`bronze insertMany, batches of ${batch}, ${lanes} connection${lanes > 1 ? 's' : ''}`, rows, await insertAll(collection, 'r1', batch, lanes));
      if (batch !== 1000 || lanes !== 1) await collection.drop();
    }

    // Reading one run back (the collection of the first write holds run r1).
    const bronze = db.collection('insert_1000_1');
    let began = performance.now();
    let read = 0;
    for await (const document of bronze.find({ _run_id: 'r1' }).batchSize(2000)) read += document === null ? 0 : 1;
    report('read the run back, one cursor', read, performance.now() - began);
    began = performance.now();
    const parts = Math.ceil(rows / PART);
    const halves = await Promise.all([0, 1].map(async (lane) => {
      let count = 0;
      const mine = Array.from({ length: parts }, (_, part) => part).filter((part) => part % 2 === lane);
      for await (const document of bronze.find({ _run_id: 'r1', _raw_part: { $in: mine } }).batchSize(2000)) count += document === null ? 0 : 1;
      return count;
    }));
    report('read the run back, two cursors at once', halves[0]! + halves[1]!, performance.now() - began);
    const small = Math.max(1000, Math.round(rows / 100));
    await bronze.insertMany(documentsOf(records.slice(0, small), 'r2', 0, 0), { ordered: false });
    began = performance.now();
    read = 0;
    for await (const document of bronze.find({ _run_id: 'r2' }).batchSize(2000)) read += document === null ? 0 : 1;
    report(`read a 1 % run beside the large one (${rows.toLocaleString('en-US')} documents)`, read, performance.now() - began);

    // Staging silver.
    const stage = async (inputs: AsyncIterable<{ seq: number; record: unknown }> | Iterable<{ seq: number; record: unknown }>): Promise<number> => {
      const table = stagingTableName();
      await createStagingTables(pool, plan, table);
      const encoder = createStagingEncoder(plan);
      async function* text(): AsyncGenerator<string> {
        let chunk = '';
        for await (const input of inputs) {
          chunk = encoder.append(chunk, input);
          if (chunk.length >= 262_144) {
            yield chunk;
            chunk = '';
          }
        }
        if (chunk.length > 0) yield chunk;
      }
      const began = performance.now();
      await copyIn(['staging', table], [...STAGE_COLUMNS, ...plan.columns.map((column) => column.name)], text());
      return performance.now() - began;
    };
    report('stage silver from records in memory (map, hash, COPY)', rows, await stage(records.map((record, i) => ({ seq: recordSeq(Math.floor(i / PART), i % PART), record }))));

    // One pass against two.
    const onePass = await fresh('one_pass');
    began = performance.now();
    await Promise.all([
      insertAll(onePass, 'r1', 1000, 1),
      stage(records.map((record, i) => ({ seq: recordSeq(Math.floor(i / PART), i % PART), record }))),
    ]);
    report('ONE pass: bronze insert and silver staging of the same records at once', rows, performance.now() - began);
    const onePassTwo = await fresh('one_pass_two');
    began = performance.now();
    await Promise.all([
      insertAll(onePassTwo, 'r1', 1000, 2),
      stage(records.map((record, i) => ({ seq: recordSeq(Math.floor(i / PART), i % PART), record }))),
    ]);
    report('ONE pass, bronze inserting on two connections', rows, performance.now() - began);
    const twoPass = await fresh('two_pass');
    began = performance.now();
    await insertAll(twoPass, 'r1', 1000, 1);
    async function* fromBronze(): AsyncGenerator<{ seq: number; record: unknown }> {
      for await (const document of twoPass.find({ _run_id: 'r1' }).batchSize(2000)) yield { seq: recordSeq(document._raw_part as number, document._raw_index as number), record: toReceivedRecord(document) };
    }
    await stage(fromBronze());
    report('TWO passes: bronze insert, then silver reads bronze back and stages', rows, performance.now() - began);

    const widths = lines[0]!.map((_, column) => Math.max(...lines.map((line) => line[column]!.length)));
    process.stdout.write('\n');
    for (const line of lines) process.stdout.write(`${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ')}\n`);
    process.stdout.write(`\nload after: ${os.loadavg().map((value) => value.toFixed(1)).join(' ')}\n`);
  } finally {
    await pool.end();
    await mongo.close();
    await drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:storage failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
