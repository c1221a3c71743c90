/**
 * Bronze retention on the bronze store: `npm run bench:retention [-- --documents 100000 --per-file 2500 --old 5000]`
 *
 * Fills a dataset's collection with `--documents` bronze documents in raw files of `--per-file` (one load marker
 * each, one day apart), then measures on the same store, in one run:
 *   - `deleteBronzeBefore` removing the oldest `--old` documents (file by file, equality on `_run_id` and `_raw_file`);
 *   - a pass that finds nothing old (what every load pays once retention has caught up);
 *   - for comparison, the next `--old` documents removed by a `_loaded_at` range: ids found 5,000 at a time and deleted
 *     by `_id: { $in: ids }` — a range and a list, neither of which FerretDB hands to Postgres.
 * Throwaway database; services found or started as for the tests. The machine's load average is printed.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';

import { MongoClient } from 'mongodb';

import { bronzeFiles } from '#bronze/bronzeFiles.ts';
import { deleteBronzeBefore } from '#bronze/deleteBronzeBefore.ts';
import { benchServices, createBenchDatabase } from './benchDatabase.ts';

const { values } = parseArgs({ options: { documents: { type: 'string', default: '100000' }, 'per-file': { type: 'string', default: '2500' }, old: { type: 'string', default: '5000' } } });
const total = Number(values.documents);
const perFile = Number(values['per-file']);
const old = Number(values.old);
if (![total, perFile, old].every((value) => Number.isInteger(value) && value > 0) || total % perFile !== 0 || old % perFile !== 0 || 2 * old > total) {
  process.stderr.write('usage: npm run bench:retention -- [--documents N] [--per-file N dividing it] [--old N, a multiple of --per-file, at most half of --documents]\n');
  process.exit(2);
}

const DAY = 86_400_000;
const load = (): string => os.loadavg().map((value) => value.toFixed(1)).join(' ');
const fmt = (value: number): string => Math.round(value).toLocaleString('en-US');

async function main(): Promise<void> {
  const bench = await createBenchDatabase(await benchServices(), { create: false });
  const client = new MongoClient(bench.mongodbUrl);
  try {
    await client.connect();
    const db = client.db(bench.name);
    const collection = db.collection('bench__items');
    const files = total / perFile;
    // day 0 is the oldest file; file f was loaded on day f
    const day = (file: number): Date => new Date(Date.UTC(2026, 0, 1) + file * DAY);
    let started = performance.now();
    for (let file = 0; file < files; file += 1) {
      const rawFile = `raw/bench/items/2026/01/01/run-${file}/part-00000.json`;
      await collection.insertMany(Array.from({ length: perFile }, (_, index) => ({
        _id: `${rawFile}#${index}` as never, _run_id: `run-${file}`, _loaded_at: day(file), _raw_file: rawFile, _raw_part: 0, _raw_index: index,
        _key_hash: '0123456789abcdef0123456789abcdef', _record_hash: 'fedcba9876543210fedcba9876543210', _value: { id: file * perFile + index, amount: index * 7, memo: `memo of record ${index}` },
      })), { ordered: false });
      await bronzeFiles(db).insertOne({ _id: rawFile, source: 'bench', dataset: 'items', run_id: `run-${file}`, part: 0, records: perFile, loaded_at: day(file) });
    }
    await collection.createIndex({ _run_id: 1 }, { name: 'bronze_run_id' });
    process.stdout.write(`bronze retention benchmark: ${fmt(total)} documents in ${fmt(files)} raw files of ${fmt(perFile)}; Node ${process.version}, ${os.cpus().length} cores, load average ${load()} (filled in ${((performance.now() - started) / 1000).toFixed(1)} s)\n`);

    const oldFiles = old / perFile;
    started = performance.now();
    const purged = await deleteBronzeBefore({ db, source: 'bench', dataset: 'items', before: day(oldFiles) });
    const purgeMs = performance.now() - started;
    started = performance.now();
    const idle = await deleteBronzeBefore({ db, source: 'bench', dataset: 'items', before: day(oldFiles) });
    const idleMs = performance.now() - started;
    process.stdout.write(`deleteBronzeBefore: ${fmt(purged.documents)} documents of ${fmt(purged.files)} files in ${(purgeMs / 1000).toFixed(1)} s; a pass with nothing old: ${(idleMs / 1000).toFixed(1)} s (${idle.documents} documents)\n`);

    started = performance.now();
    let ranged = 0;
    for (;;) {
      const ids = (await collection.find({ _loaded_at: { $lt: day(2 * oldFiles) } }, { projection: { _id: 1 } }).limit(5000).toArray()).map((document) => document._id);
      if (ids.length > 0) ranged += (await collection.deleteMany({ _id: { $in: ids } })).deletedCount;
      if (ids.length < 5000) break;
    }
    process.stdout.write(`the same by a _loaded_at range and _id lists of 5,000: ${fmt(ranged)} documents in ${((performance.now() - started) / 1000).toFixed(1)} s; load average after: ${load()}\n`);
  } finally {
    await client.db(bench.name).dropDatabase().catch(() => undefined);
    await client.close();
    await bench.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
