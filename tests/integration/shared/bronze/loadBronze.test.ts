import { hash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { toReceivedRecord } from '#bronze/bronzeDocument.ts';
import { deleteBronzeBefore } from '#bronze/deleteBronzeBefore.ts';
import { loadBronze } from '#bronze/loadBronze.ts';
import { readBronzeRun } from '#bronze/readBronzeRun.ts';
import { createLocalRawStore } from '#platform/raw/createLocalRawStore.ts';
import type { RawRunRef, RawStore } from '#platform/raw/rawStore.ts';
import { createTestMongo, type TestMongo } from '#support/database.ts';
import { makeDataset } from '#support/layers.ts';

const dataset = makeDataset('bank', {
  name: 'payments',
  load: 'full',
  key: ['id'],
  columns: [
    { name: 'id', type: 'integer' },
    { name: 'payee', type: 'text', source: 'payee.name' },
  ],
});

type Context = { mongo: TestMongo; root: string; rawStore: RawStore };
const bronze = suite<Context>('loadBronze');

bronze.before.each(async (context) => {
  context.mongo = await createTestMongo();
  context.root = await mkdtemp(path.join(os.tmpdir(), 'dp-bronze-'));
  context.rawStore = createLocalRawStore(context.root);
});
bronze.after.each(async (context) => {
  await context.mongo.drop();
  await rm(context.root, { recursive: true, force: true });
});

const startedAt = new Date('2026-03-01T08:00:00Z');
const runRef = (runId: string): RawRunRef => ({ source: 'bank', dataset: 'payments', runId, startedAt });

/** Writes `parts` parts of `size` records each, ids counting from 1. */
async function writeRun(rawStore: RawStore, runId: string, parts: number, size: number): Promise<void> {
  for (let part = 0; part < parts; part += 1) {
    const records = Array.from({ length: size }, (_, index) => {
      const id = part * size + index + 1;
      return { id, payee: { name: `payee ${id}` }, amount: id * 100 };
    });
    await rawStore.writePart(runRef(runId), part, records, `page ${part}`);
  }
  await rawStore.writeManifest(runRef(runId), true);
}

bronze('each record becomes a document with its audit fields in <source>__<dataset>, indexed on _run_id and _key_hash', async ({ mongo, rawStore }) => {
  await writeRun(rawStore, 'r1', 2, 3);
  const result = await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'r1', startedAt } });
  assert.equal([result.status, result.files, result.read, result.inserted, result.collection], ['done', 2, 6, 6, 'bank__payments']);

  const collection = mongo.db.collection('bank__payments');
  const document = await collection.findOne({ id: 4 });
  assert.ok(document !== null);
  assert.equal({ id: document.id, payee: document.payee, amount: document.amount }, { id: 4, payee: { name: 'payee 4' }, amount: 400 });
  assert.is(document._run_id, 'r1');
  assert.is(document._raw_file, 'raw/bank/payments/2026/03/01/r1/part-00001.json');
  assert.equal([document._raw_part, document._raw_index], [1, 0]);
  assert.instance(document._loaded_at, Date);
  // The key hash is md5 over the canonical key, in the same form silver stores (and SQL can recompute: md5('["4"]')::uuid).
  const md5 = hash('md5', '["4"]', 'hex');
  assert.is(document._key_hash, `${md5.slice(0, 8)}-${md5.slice(8, 12)}-${md5.slice(12, 16)}-${md5.slice(16, 20)}-${md5.slice(20)}`);
  assert.match(String(document._record_hash), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

  const indexes = await collection.indexes();
  assert.ok(indexes.some((index) => index.key._run_id === 1));
  assert.ok(indexes.some((index) => index.key._key_hash === 1));
});

bronze('loading the same run again inserts nothing', async ({ mongo, rawStore }) => {
  await writeRun(rawStore, 'r1', 3, 2);
  await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'r1', startedAt } });
  const again = await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'r1', startedAt } });
  assert.equal([again.status, again.files, again.skippedFiles, again.inserted], ['done', 0, 3, 0]);
  assert.is(await mongo.db.collection('bank__payments').countDocuments({}), 6);
});

bronze('after a crash part-way through a file, the reload inserts only the missing documents', async ({ mongo, rawStore }) => {
  await writeRun(rawStore, 'r1', 2, 4);
  await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'r1', startedAt } });
  // The state a crash leaves: half of part 1 inserted, its marker never written.
  const part1 = 'raw/bank/payments/2026/03/01/r1/part-00001.json';
  await mongo.db.collection('bank__payments').deleteMany({ _raw_file: part1, _raw_index: { $gte: 2 } });
  await mongo.db.collection('_bronze_files').deleteOne({ _id: part1 } as never);

  const resumed = await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'r1', startedAt } });
  assert.equal([resumed.files, resumed.skippedFiles, resumed.read, resumed.inserted], [1, 1, 4, 2]);
  const ids = (await mongo.db.collection('bank__payments').find({}).toArray()).map((document) => document.id as number).sort((a, b) => a - b);
  assert.equal(ids, [1, 2, 3, 4, 5, 6, 7, 8]);
});

bronze('at its deadline the loader stops between parts and continues from the checkpoint', async ({ mongo, rawStore }) => {
  await writeRun(rawStore, 'r1', 5, 2);
  // A clock that advances one second on every look: the deadline passes after the second part.
  let clock = 0;
  const now = (): number => (clock += 1000);
  const first = await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'r1', startedAt }, now, deadline: 3500 });
  assert.is(first.status, 'continue');
  assert.ok(first.checkpoint !== null && first.checkpoint.nextPart > 0 && first.checkpoint.nextPart < 5);
  assert.is(await mongo.db.collection('bank__payments').countDocuments({}), first.checkpoint.nextPart * 2);

  const second = await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'r1', startedAt }, checkpoint: first.checkpoint });
  assert.equal([second.status, second.checkpoint, second.files], ['done', null, 5 - first.checkpoint.nextPart]);
  assert.is(await mongo.db.collection('bank__payments').countDocuments({}), 10);
});

bronze('records keep every field as received: reserved names, dots, $-prefixes and non-object records round-trip', async ({ mongo, rawStore }) => {
  const records = [
    { id: 1, _id: 'theirs', _run_id: 'theirs too', 'a.b': 1, $price: 2, nested: { 'c.d': [{ $e: 3 }] } },
    { id: 2, payee: null },
    'a bare string record',
  ];
  await rawStore.writePart(runRef('r2'), 0, records);
  const result = await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'r2', startedAt } });
  assert.is(result.inserted, 3);
  const received: unknown[] = [];
  for await (const batch of readBronzeRun({ db: mongo.db, source: 'bank', dataset: 'payments', runId: 'r2' })) {
    for (const document of [...batch].sort((a, b) => a._raw_index - b._raw_index)) received.push(toReceivedRecord(document));
  }
  assert.equal(received, records);
  const bare = await mongo.db.collection('bank__payments').findOne({ _raw_index: 2 });
  assert.is(bare?._key_hash, null);
});

bronze('retention deletes documents and file markers loaded before the cut-off', async ({ mongo, rawStore }) => {
  await writeRun(rawStore, 'old', 1, 2);
  await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'old', startedAt }, now: () => Date.parse('2026-01-01T00:00:00Z') });
  await writeRun(rawStore, 'new', 1, 2);
  await loadBronze({ rawStore, db: mongo.db, dataset, run: { runId: 'new', startedAt }, now: () => Date.parse('2026-03-01T00:00:00Z') });
  const removed = await deleteBronzeBefore({ db: mongo.db, source: 'bank', dataset: 'payments', before: new Date('2026-02-01T00:00:00Z') });
  assert.equal(removed, { documents: 2, files: 1, complete: true });
  assert.equal(await mongo.db.collection('bank__payments').distinct('_run_id'), ['new']);
});

bronze.run();
