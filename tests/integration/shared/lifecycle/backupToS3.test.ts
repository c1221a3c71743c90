/**
 * A backup target in an S3-compatible bucket (the local S3 server): the archive goes there and a restore
 * comes back from it, and the raw store over S3 reports sizes from its listing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { getEnv } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { createFolderObjectStore } from '#platform/raw/createFolderObjectStore.ts';
import { createRawStore } from '#platform/raw/createRawStore.ts';
import { createS3ObjectStore } from '#platform/raw/createS3ObjectStore.ts';
import { startLocalS3, type LocalS3 } from '#tools/services/s3Server.ts';
import { listBackups } from '#lifecycle/archive/listBackups.ts';
import { createBackup } from '#lifecycle/backup/createBackup.ts';
import { restoreBackup } from '#lifecycle/restore/restoreBackup.ts';
import { createTestDatabase, createTestMongo } from '#support/database.ts';
import { freePort } from '#support/freePort.ts';
import { createLayerHarness, makeDataset, type LayerHarness } from '#support/layers.ts';
import { tableHashes } from '#support/tableHashes.ts';

const credentials = { accessKeyId: 'dataplatform', secretAccessKey: 'dataplatform-secret' };
const items = makeDataset('shop', { name: 'items', load: 'full', key: ['id'], columns: [{ name: 'id', type: 'integer' }, { name: 'label', type: 'text' }] });

type Context = { server: LocalS3; harness: LayerHarness; work: string };
const s3 = suite<Context>('backups in an S3 bucket');

s3.before(async (context) => {
  context.server = await startLocalS3({ dataDir: getEnv().dataDir, port: await freePort(), bucket: 'backups', log: createLogger({ level: 'warn' }) });
  context.harness = await createLayerHarness();
  context.work = await mkdtemp(path.join(os.tmpdir(), 'dp-s3-work-'));
  await context.harness.runSnapshot(items, [{ id: 1, label: 'one' }, { id: 2, label: 'two' }]);
  await context.harness.runSnapshot(items, [{ id: 1, label: 'uno' }, { id: 3, label: 'three' }]);
});
s3.after(async (context) => {
  await context.server.stop();
  await context.harness.drop();
  await rm(context.work, { recursive: true, force: true });
});

s3('a backup written to a bucket restores from it into an empty platform', async ({ server, harness, work }) => {
  const target = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'backups', prefix: 'home', ...credentials });
  const backup = await createBackup({ pool: harness.db.pool, databaseUrl: harness.db.url, bronze: harness.mongo.db, raw: harness.rawObjects, target, workDir: work, retention: { daily: 7, weekly: 4 } });
  assert.equal((await listBackups(target)).complete, [backup.id]);
  const [db, mongo] = await Promise.all([createTestDatabase({ migrate: false }), createTestMongo()]);
  const rawDir = await mkdtemp(path.join(os.tmpdir(), 'dp-s3-raw-'));
  try {
    const result = await restoreBackup({ target, id: backup.id, pool: db.pool, databaseUrl: db.url, bronze: mongo.db, raw: createFolderObjectStore(rawDir), workDir: work });
    assert.ok(result.verification.ok, JSON.stringify(result.verification.mismatches));
    assert.equal(await tableHashes(db.pool), await tableHashes(harness.db.pool));
  } finally {
    await Promise.all([db.drop(), mongo.drop(), rm(rawDir, { recursive: true, force: true })]);
  }
});

s3('the raw store over S3 measures a dataset from its listing, gzipped parts included', async ({ server }) => {
  const objects = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'backups', prefix: 'raw-store', ...credentials });
  const raw = createRawStore(objects);
  const run = { source: 'shop', dataset: 'items', runId: 'r1', startedAt: new Date('2026-01-02T03:04:05Z') };
  const info = await raw.writePart(run, 0, Array.from({ length: 200 }, (_, index) => ({ id: index, label: `item ${index}` })));
  await raw.writeManifest(run, true);
  const sized = await objects.listSizes?.('raw/');
  assert.ok(sized?.some((entry) => entry.key === info.key && entry.bytes === info.bytes), JSON.stringify(sized));
  const compressed = await raw.compressRunsBefore('shop', 'items', new Date('2026-02-01T00:00:00Z'));
  assert.is(compressed.files, 1);
  const usage = await raw.measure('shop', 'items');
  assert.equal([usage.runs, usage.files, usage.compressedFiles, usage.compressedBytes], [1, 2, 1, compressed.bytesAfter]);
  assert.equal((await raw.readPart(info.key)).records.length, 200, 'a gzipped part reads under its usual key');
});

s3.run();
