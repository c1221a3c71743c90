import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { PlatformError } from '#platform/errors.ts';
import { createMongoClient } from '#platform/mongo/createMongoClient.ts';
import { createTestMongo, type TestMongo } from '#support/database.ts';

const mongo = suite<{ mongo: TestMongo }>('createMongoClient');

mongo.before(async (context) => {
  context.mongo = await createTestMongo();
});

mongo.after(async (context) => {
  await context.mongo.drop();
});

mongo('documents round-trip with their types, and indexes are created', async ({ mongo: m }) => {
  const collection = m.db.collection('bank__transactions');
  const loadedAt = new Date('2026-03-01T12:00:00Z');
  await collection.insertMany([
    { _run_id: 'r1', amount: -1250, payee: 'Bakery', tags: ['food'], _loaded_at: loadedAt },
    { _run_id: 'r1', amount: 500000, payee: 'Employer', tags: [], _loaded_at: loadedAt },
  ]);
  await collection.createIndex({ _run_id: 1 });
  const found = await collection.find({ _run_id: 'r1' }, { projection: { _id: 0 } }).sort({ amount: 1 }).toArray();
  assert.equal(found, [
    { _run_id: 'r1', amount: -1250, payee: 'Bakery', tags: ['food'], _loaded_at: loadedAt },
    { _run_id: 'r1', amount: 500000, payee: 'Employer', tags: [], _loaded_at: loadedAt },
  ]);
  const indexes = await collection.indexes();
  assert.ok(indexes.some((index) => index.key._run_id === 1));
});

mongo('an unreachable server is a retryable mongo.connection error', async () => {
  try {
    await createMongoClient({ url: 'mongodb://127.0.0.1:1/none', serverSelectionTimeoutMs: 300 });
    assert.unreachable('connecting to port 1 should fail');
  } catch (error) {
    assert.instance(error, PlatformError);
    assert.is((error as PlatformError).code, 'mongo.connection');
    assert.is((error as PlatformError).retryable, true);
  }
});

mongo.run();
