/**
 * The bronze half of a replay's swap, on the real FerretDB: the rebuilt collection takes the dataset's name,
 * the old one is set aside, and the replay's load markers replace those of the same raw files in
 * `_bronze_files`. The markers go one per update command: FerretDB 1.24 holds a Postgres connection for each
 * matched statement of an update command until the command ends, so one bulk write replacing more markers
 * than its pool holds wedged the server (found by the 1 M-row replay benchmark).
 */
import { MongoClient, type CommandStartedEvent, type Document } from 'mongodb';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { bronzeFiles } from '#bronze/bronzeFiles.ts';
import { replayNames } from '#lifecycle/replay/replayNames.ts';
import { swapReplayBronze } from '#lifecycle/replay/swapReplayBronze.ts';
import { createTestMongo, type TestMongo } from '#support/database.ts';

const test = suite<{ mongo: TestMongo; client: MongoClient; commands: CommandStartedEvent[] }>('swapReplayBronze', {} as never);

test.before.each(async (context) => {
  context.mongo = await createTestMongo();
  context.commands = [];
  context.client = new MongoClient(context.mongo.url, { monitorCommands: true, retryWrites: false, serverSelectionTimeoutMS: 10_000 });
  context.client.on('commandStarted', (event) => context.commands.push(event));
  await context.client.connect();
});

test.after.each(async (context) => {
  await context.client.close();
  await context.mongo.drop();
});

const marker = (key: string, runId: string, loadedAt: Date) => ({ _id: key, source: 'shop', dataset: 'orders', run_id: runId, part: Number(key.slice(-1)), records: 2, loaded_at: loadedAt });

test('swaps the collections and replaces the markers of the replayed files, one update per command', async ({ mongo, client, commands }) => {
  const names = replayNames('shop__orders', '20261201t120000');
  const before = new Date('2026-01-01T00:00:00Z');
  const replayed = new Date('2026-01-02T00:00:00Z');
  const keys = Array.from({ length: 6 }, (_, part) => `raw/shop/orders/run-1/part-${part}`);
  await mongo.db.collection('shop__orders').insertMany([{ _id: 'old#0' as never, value: 'old' }]);
  await mongo.db.collection(names.collection).insertMany([{ _id: 'new#0' as never, value: 'new' }]);
  // Another dataset's marker, and the old markers of five of the six files the replay loaded again.
  await bronzeFiles(mongo.db).insertMany([{ ...marker('raw/bank/x/run-0/part-0', 'run-0', before), dataset: 'x' }, ...keys.slice(0, 5).map((key) => marker(key, 'run-1', before))]);
  await bronzeFiles(mongo.db, names.markers).insertMany(keys.map((key) => marker(key, 'run-1', replayed)));

  const old = await swapReplayBronze(client.db(mongo.db.databaseName), names, 'shop__orders');

  assert.is(old, names.oldCollection);
  assert.equal(await mongo.db.collection('shop__orders').find({}).toArray(), [{ _id: 'new#0', value: 'new' }]);
  assert.equal(await mongo.db.collection(names.oldCollection).find({}).toArray(), [{ _id: 'old#0', value: 'old' }]);
  const markers = await bronzeFiles(mongo.db).find({}).sort({ _id: 1 }).toArray();
  assert.equal(
    markers.map((entry) => [entry._id, entry.loaded_at.toISOString()]),
    [['raw/bank/x/run-0/part-0', before.toISOString()], ...keys.map((key) => [key, replayed.toISOString()])],
  );
  const collections = (await mongo.db.listCollections({}, { nameOnly: true }).toArray()).map((entry) => entry.name);
  assert.not.ok(collections.includes(names.markers), 'the replay’s marker collection is dropped');
  const updates = commands.filter((event) => event.commandName === 'update').map((event) => (event.command as Document).updates as unknown[]);
  assert.is(updates.length, keys.length);
  assert.ok(updates.every((statements) => statements.length === 1), `statements per update command: ${updates.map((statements) => statements.length).join(', ')}`);
});

test.run();
