import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import type { Document, Filter } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { bronzeFiles } from '#bronze/bronzeFiles.ts';
import { bronzeFileFilter, deleteBronzeBefore } from '#bronze/deleteBronzeBefore.ts';
import { loadBronze } from '#bronze/loadBronze.ts';
import { createLocalRawStore } from '#platform/raw/createLocalRawStore.ts';
import type { RawStore } from '#platform/raw/rawStore.ts';
import { createTestMongo, type TestMongo } from '#support/database.ts';
import { makeDataset } from '#support/layers.ts';

const dataset = makeDataset('bank', { name: 'payments', load: 'full', key: ['id'], columns: [{ name: 'id', type: 'integer' }] });

type Context = { mongo: TestMongo; root: string; rawStore: RawStore };
const retention = suite<Context>('deleteBronzeBefore');

retention.before.each(async (context) => {
  context.mongo = await createTestMongo();
  context.root = await mkdtemp(path.join(os.tmpdir(), 'dp-bronze-retention-'));
  context.rawStore = createLocalRawStore(context.root);
});
retention.after.each(async (context) => {
  await context.mongo.drop();
  await rm(context.root, { recursive: true, force: true });
});

const cut = new Date('2026-02-01T00:00:00Z');
const documents = (mongo: TestMongo) => mongo.db.collection('bank__payments');

/** A run of `parts` raw files of `size` records, loaded into bronze at `loadedAt` (documents and load markers). */
async function loadRun({ rawStore, mongo }: Context, runId: string, parts: number, size: number, loadedAt: string): Promise<void> {
  const run = { source: 'bank', dataset: 'payments', runId, startedAt: new Date(loadedAt) };
  for (let part = 0; part < parts; part += 1) {
    await rawStore.writePart(run, part, Array.from({ length: size }, (_, index) => ({ id: part * size + index + 1 })));
  }
  await rawStore.writeManifest(run, true);
  await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId, startedAt: run.startedAt }, now: () => Date.parse(loadedAt) });
}

/** Documents a run left without a load marker in raw file `part` (an attempt that failed in the middle of it). */
async function strayFile(mongo: TestMongo, runId: string, part: number, size: number, loadedAt: string): Promise<void> {
  const rawFile = `raw/bank/payments/2026/01/15/${runId}/part-0000${part}.json`;
  await documents(mongo).insertMany(Array.from({ length: size }, (_, index) => ({ _id: `${rawFile}#${index}` as never, _run_id: runId, _raw_file: rawFile, _raw_index: index, _loaded_at: new Date(loadedAt), _value: { id: index } })));
}

const runsLeft = async (mongo: TestMongo): Promise<string[]> => ((await documents(mongo).distinct('_run_id')) as string[]).sort();

retention('old raw files go with their markers; newer ones stay; what a run left without a marker goes with the run', async (context) => {
  const { mongo } = context;
  await loadRun(context, 'jan', 2, 3, '2026-01-01T00:00:00Z');
  await loadRun(context, 'mar', 1, 3, '2026-03-01T00:00:00Z');
  // run `failed` finished its first file, then died in the middle of its second
  await loadRun(context, 'failed', 1, 3, '2026-01-15T00:00:00Z');
  await strayFile(mongo, 'failed', 1, 2, '2026-01-15T00:00:00Z');
  // a run that died in its first file: no marker names it, so retention does not find it (documented)
  await strayFile(mongo, 'died', 0, 2, '2026-01-20T00:00:00Z');

  assert.equal(await deleteBronzeBefore({ db: mongo.db, source: 'bank', dataset: 'payments', before: cut }), { documents: 11, files: 3, complete: true });
  assert.equal(await runsLeft(mongo), ['died', 'mar']);
  assert.is(await documents(mongo).countDocuments({ _run_id: 'mar' }), 3);
  assert.equal((await bronzeFiles(mongo.db).find({}).toArray()).map((marker) => marker.run_id), ['mar']);
  assert.equal(await deleteBronzeBefore({ db: mongo.db, source: 'bank', dataset: 'payments', before: cut }), { documents: 0, files: 0, complete: true }, 'a second pass finds nothing');
});

retention('a file larger than one delete statement goes in slices of _raw_index (FerretDB takes at most 65,535 ids per delete)', async (context) => {
  const { mongo } = context;
  await loadRun(context, 'jan', 1, 7, '2026-01-01T00:00:00Z');
  await strayFile(mongo, 'jan', 1, 5, '2026-01-01T00:00:00Z');
  assert.equal(await deleteBronzeBefore({ db: mongo.db, source: 'bank', dataset: 'payments', before: cut, documentsPerDelete: 2 }), { documents: 12, files: 1, complete: true });
  assert.is(await documents(mongo).countDocuments(), 0);
});

retention('inside the step budget: past the deadline one raw file still goes, the rest at the next call', async (context) => {
  const { mongo } = context;
  await loadRun(context, 'jan', 3, 4, '2026-01-01T00:00:00Z');
  const tight = await deleteBronzeBefore({ db: mongo.db, source: 'bank', dataset: 'payments', before: cut, deadline: Date.now() - 1 });
  assert.equal(tight, { documents: 4, files: 1, complete: false });
  assert.is(await documents(mongo).countDocuments(), 8);
  assert.is(await bronzeFiles(mongo.db).countDocuments(), 2, 'each file keeps its marker until its documents are gone');
  assert.equal(await deleteBronzeBefore({ db: mongo.db, source: 'bank', dataset: 'payments', before: cut, deadline: Date.now() + 60_000 }), { documents: 8, files: 2, complete: true });
});

retention('a file is found without reading the collection: MongoDB uses the _run_id index, FerretDB hands the filter to Postgres', async (context) => {
  const { mongo } = context;
  await loadRun(context, 'jan', 2, 3, '2026-01-01T00:00:00Z');
  const rawFile = (await bronzeFiles(mongo.db).find({}).sort({ _id: 1 }).toArray())[0]!._id;
  const filter = bronzeFileFilter({ runId: 'jan', rawFile }, cut) as Filter<Document>;
  assert.is(await documents(mongo).countDocuments(filter), 3);
  const explained = (await documents(mongo).find(filter).explain()) as Record<string, unknown>;
  if ('filterPushdown' in explained) {
    // FerretDB: Postgres filters on the two equalities, so only the file's rows leave it
    assert.is(explained.filterPushdown, true, JSON.stringify(explained));
    const plan = JSON.stringify(explained.queryPlanner);
    assert.match(plan, '_run_id');
    assert.match(plan, '_raw_file');
  } else {
    assert.match(JSON.stringify(explained), 'IXSCAN', 'MongoDB: an index scan, not a collection scan');
  }
});

retention.run();
