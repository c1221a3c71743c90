import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { applyRetention } from '#bronze/applyRetention.ts';
import { bronzeFiles } from '#bronze/bronzeFiles.ts';
import { loadBronze } from '#bronze/loadBronze.ts';
import { datasetSchema, sourceSchema, type DatasetRef } from '#metadata/schema.ts';
import { createLocalRawStore } from '#platform/raw/createLocalRawStore.ts';
import type { RawStore } from '#platform/raw/rawStore.ts';
import { createTestMongo, type TestMongo } from '#support/database.ts';

type Context = { dir: string; raw: RawStore; mongo: TestMongo };
const retention = suite<Context>('applyRetention');

const now = new Date('2026-06-30T12:00:00Z');
const daysAgo = (days: number): Date => new Date(now.getTime() - days * 86_400_000);

function refWith(retentionSettings: Record<string, number>): DatasetRef {
  const dataset = datasetSchema.parse({ name: 'transactions', load: 'full', key: ['id'], columns: [{ name: 'id', type: 'text' }], retention: retentionSettings });
  const source = sourceSchema.parse({ source: 'bank', connector: 'files', datasets: [dataset] });
  return { source, dataset };
}

retention.before.each(async (context) => {
  context.dir = await mkdtemp(path.join(os.tmpdir(), 'dp-retention-'));
  context.raw = createLocalRawStore(context.dir);
  context.mongo = await createTestMongo();
  for (const [runId, age] of [['old', 40], ['edge', 10], ['recent', 2]] as const) {
    const run = { source: 'bank', dataset: 'transactions', runId, startedAt: daysAgo(age) };
    await context.raw.writePart(run, 0, [{ id: runId }]);
    await context.raw.writeManifest(run, true);
    const rawFile = `raw/bank/transactions/${runId}/part-00000.json`;
    await context.mongo.db.collection('bank__transactions').insertOne({ _id: `${rawFile}#0` as never, id: runId, _run_id: runId, _raw_file: rawFile, _raw_index: 0, _loaded_at: daysAgo(age) });
    await bronzeFiles(context.mongo.db).insertOne({ _id: rawFile, source: 'bank', dataset: 'transactions', run_id: runId, part: 0, records: 1, loaded_at: daysAgo(age) });
  }
});
retention.after.each(async (context) => {
  await rm(context.dir, { recursive: true, force: true });
  await context.mongo.drop();
});

const bronzeRuns = async (mongo: TestMongo): Promise<string[]> =>
  (await mongo.db.collection('bank__transactions').find({}).toArray()).map((document) => String(document._run_id)).sort();

retention('raw runs and bronze documents older than their retention go; newer ones stay', async ({ raw, mongo }) => {
  const result = await applyRetention({ rawStore: raw, db: mongo.db, dataset: refWith({ raw_days: 30, bronze_days: 7 }), now });
  assert.equal(result.rawRuns, ['old']);
  assert.is(result.bronzeDocuments, 2);
  assert.is((await raw.listParts({ source: 'bank', dataset: 'transactions', runId: 'old', startedAt: daysAgo(40) })).length, 0);
  assert.is((await raw.listParts({ source: 'bank', dataset: 'transactions', runId: 'edge', startedAt: daysAgo(10) })).length, 1);
  assert.equal(await bronzeRuns(mongo), ['recent']);
});

retention('a dataset without retention keeps everything', async ({ raw, mongo }) => {
  const result = await applyRetention({ rawStore: raw, db: mongo.db, dataset: refWith({}), now });
  assert.equal({ ...result, rawUsage: undefined }, { rawRuns: [], rawCompressed: 0, bronzeDocuments: 0, rawUsage: undefined, complete: true });
  assert.equal([result.rawUsage.runs, result.rawUsage.files, result.rawUsage.compressedFiles], [3, 6, 0]);
  assert.equal(await bronzeRuns(mongo), ['edge', 'old', 'recent']);
});

retention('bronze retention stays inside the step budget: one raw file at a time, the rest at the next load', async ({ raw, mongo }) => {
  const collection = mongo.db.collection('bank__transactions');
  for (const file of ['a', 'b', 'c']) {
    const rawFile = `raw/bank/transactions/2026/05/01/ancient/part-0000${file}.json`;
    await collection.insertMany(Array.from({ length: 100 }, (_, index) => ({ _id: `${rawFile}#${index}` as never, id: `${file}${index}`, _run_id: 'ancient', _raw_file: rawFile, _raw_index: index, _loaded_at: daysAgo(60) })));
    await bronzeFiles(mongo.db).insertOne({ _id: rawFile, source: 'bank', dataset: 'transactions', run_id: 'ancient', part: 0, records: 100, loaded_at: daysAgo(60) });
  }
  // a deadline that has passed: one file, then the rest is left for the next load
  const tight = await applyRetention({ rawStore: raw, db: mongo.db, dataset: refWith({ bronze_days: 7 }), now, deadline: Date.now() - 1 });
  assert.is(tight.bronzeDocuments, 100);
  assert.is(tight.complete, false);
  const rest = await applyRetention({ rawStore: raw, db: mongo.db, dataset: refWith({ bronze_days: 7 }), now, deadline: Date.now() + 60_000 });
  assert.is(rest.bronzeDocuments, 202, 'the other two files, and the old and edge documents of the setup');
  assert.is(rest.complete, true);
  assert.equal(await bronzeRuns(mongo), ['recent']);
});

retention('raw parts older than raw_compress_days are gzipped before retention deletes them, read as before, and measured', async ({ dir, raw, mongo }) => {
  const edge = { source: 'bank', dataset: 'transactions', runId: 'edge', startedAt: daysAgo(10) };
  const [key] = await raw.listPartKeys(edge);
  const result = await applyRetention({ rawStore: raw, db: mongo.db, dataset: refWith({ raw_days: 30, raw_compress_days: 5 }), now });
  assert.equal(result.rawRuns, ['old']);
  assert.is(result.rawCompressed, 1, 'the 10-day-old run is gzipped, the 2-day-old one not yet');
  assert.ok(existsSync(path.join(dir, `${key}.gz`)) && !existsSync(path.join(dir, key as string)));
  assert.equal(await raw.listPartKeys(edge), [key]);
  assert.equal((await raw.readPart(key as string)).records, [{ id: 'edge' }]);
  assert.equal([result.rawUsage.runs, result.rawUsage.files, result.rawUsage.compressedFiles], [2, 4, 1]);
  assert.ok(result.rawUsage.compressedBytes > 0 && result.rawUsage.compressedBytes < result.rawUsage.bytes);

  // Bronze loads a gzipped part like any other.
  await mongo.db.collection('bank__transactions').deleteMany({});
  const loaded = await loadBronze({ rawStore: raw, db: mongo.db, dataset: refWith({}), run: edge });
  assert.is(loaded.inserted, 1);
  const again = await applyRetention({ rawStore: raw, db: mongo.db, dataset: refWith({ raw_days: 30, raw_compress_days: 5 }), now });
  assert.is(again.rawCompressed, 0, 'a part is gzipped once');
});

retention.run();
