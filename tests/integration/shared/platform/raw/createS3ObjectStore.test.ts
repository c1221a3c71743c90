import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { getEnv } from '#platform/env.ts';
import { ConflictError, PlatformError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { startLocalS3, type LocalS3 } from '#tools/services/s3Server.ts';
import { createRawStore } from '#platform/raw/createRawStore.ts';
import { createS3ObjectStore } from '#platform/raw/createS3ObjectStore.ts';
import { createFolderObjectStore } from '#platform/raw/createFolderObjectStore.ts';
import { readObjectFrom, type ObjectStore } from '#platform/raw/objectStore.ts';
import type { RawRunRef } from '#platform/raw/rawStore.ts';
import { freePort } from '#support/freePort.ts';

const s3 = suite<{ server: LocalS3 }>('createS3ObjectStore');
const credentials = { accessKeyId: 'dataplatform', secretAccessKey: 'dataplatform-secret' };

s3.before(async (context) => {
  // The server checks every request's signature with the AWS SDK for Go's signer.
  context.server = await startLocalS3({ dataDir: getEnv().dataDir, port: await freePort(), bucket: 'raw', log: createLogger({ level: 'warn' }), credentials });
});
s3.after(async (context) => {
  await context.server.stop();
});

s3('objects round-trip byte for byte; a missing key is undefined', async ({ server }) => {
  const store = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'raw', ...credentials });
  const body = Buffer.from('{"records":[{"naïve":"ünïcode ✓"}]}');
  await store.put('raw/a/b/part-00000.json', body);
  assert.equal(await store.get('raw/a/b/part-00000.json'), body);
  assert.is(await store.get('raw/a/b/nothing.json'), undefined);
});

s3('keys with spaces, +, &, quotes and non-ASCII are signed, stored and listed as written', async ({ server }) => {
  const store = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'raw', prefix: 'odd keys', ...credentials });
  const keys = ["raw/a b/c+d/it's (1)*!.json", 'raw/a b/&amp;/ünï ✓.json', 'raw/a b/00123'];
  for (const key of keys) await store.put(key, Buffer.from(key));
  for (const key of keys) assert.equal(await store.get(key), Buffer.from(key), key);
  assert.equal(await store.list('raw/a b/'), [...keys].sort());
});

s3('a request signed with the wrong secret is refused, not retried', async ({ server }) => {
  const store = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'raw', accessKeyId: credentials.accessKeyId, secretAccessKey: 'not-the-secret' });
  try {
    await store.put('raw/x/part-00000.json', Buffer.from('{}'));
    assert.unreachable('a bad signature should be refused');
  } catch (error) {
    assert.instance(error, PlatformError);
    assert.is((error as PlatformError).code, 'raw.s3_refused');
    assert.is((error as PlatformError).retryable, false);
    assert.match((error as Error).message, 'SignatureDoesNotMatch');
  }
});

s3('list returns every key under a prefix across pages, and only those', async ({ server }) => {
  const store = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'raw', prefix: 'home', ...credentials });
  const keys = Array.from({ length: 1205 }, (_, index) => `raw/bank/tx/2026/01/0${1 + (index % 3)}/run-${index}/part-00000.json`);
  for (let index = 0; index < keys.length; index += 50) {
    await Promise.all(keys.slice(index, index + 50).map((key) => store.put(key, Buffer.from('{}'))));
  }
  await store.put('raw/bank/other/part-00000.json', Buffer.from('{}'));
  const listed = await store.list('raw/bank/tx/');
  assert.is(listed.length, 1205);
  assert.equal(listed, [...keys].sort());
  await store.delete(listed.slice(0, 5));
  assert.is((await store.list('raw/bank/tx/')).length, 1200);
});

s3('the raw layer works the same over S3: immutable parts, manifests, retention', async ({ server }) => {
  const raw = createRawStore(createS3ObjectStore({ endpoint: server.endpoint, bucket: 'raw', prefix: 'layers', ...credentials }));
  const run: RawRunRef = { source: 'ynab', dataset: 'payees', runId: 'r1', startedAt: new Date('2026-02-03T04:05:06Z') };
  const part = await raw.writePart(run, 0, [{ id: 'p1', name: 'Bakery' }]);
  assert.is(part.key, 'raw/ynab/payees/2026/02/03/r1/part-00000.json');
  assert.equal(await raw.writePart(run, 0, [{ id: 'p1', name: 'Bakery' }]), part);
  try {
    await raw.writePart(run, 0, [{ id: 'p1', name: 'Changed' }]);
    assert.unreachable('rewriting a part should fail');
  } catch (error) {
    assert.instance(error, ConflictError);
  }
  const manifest = await raw.writeManifest(run, true);
  assert.is(manifest.records, 1);
  assert.equal(await raw.readManifest(run), manifest);
  assert.equal((await raw.readPart(part.key)).records, [{ id: 'p1', name: 'Bakery' }]);
  assert.equal(await raw.deleteRunsBefore('ynab', 'payees', new Date('2026-03-01T00:00:00Z')), ['r1']);
  assert.is(await raw.readManifest(run), null);
});

/** The same large-object calls on both drivers: head, ranged reads, streamed writes. */
async function largeObjects(store: ObjectStore): Promise<void> {
  // 20 MiB + 7 bytes of a pattern that shows any misplaced byte: three parts of a multipart upload on S3
  const size = 20 * 1024 * 1024 + 7;
  const body = Buffer.alloc(size);
  for (let index = 0; index < size; index += 1) body[index] = (index * 31 + (index >> 13)) & 0xff;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let index = 0; index < size; index += 3_000_001) yield body.subarray(index, Math.min(size, index + 3_000_001));
  }
  await store.putStream('inbox/big.bin', chunks());
  const head = await store.head('inbox/big.bin');
  assert.is(head?.bytes, size);
  assert.ok((head?.version ?? '') !== '', 'a version to notice a rewrite by');
  assert.equal(await store.getRange('inbox/big.bin', 5_000_000, 10), body.subarray(5_000_000, 5_000_010));
  assert.equal(await store.getRange('inbox/big.bin', size - 3, 10), body.subarray(size - 3), 'fewer bytes at the end');
  assert.equal(await store.getRange('inbox/big.bin', size, 10), Buffer.alloc(0), 'none past it');
  assert.is(await store.getRange('inbox/missing.bin', 0, 10), undefined);
  assert.is(await store.head('inbox/missing.bin'), undefined);
  const read: Buffer[] = [];
  for await (const chunk of readObjectFrom(store, 'inbox/big.bin', 1234, 4 * 1024 * 1024)) {
    assert.ok(chunk.length <= 4 * 1024 * 1024, 'one range at a time');
    read.push(chunk);
  }
  assert.ok(Buffer.concat(read).equals(body.subarray(1234)), 'read from an offset to the end, byte for byte');
  assert.is(read.length, 5);

  // a small stream is one object too; rewriting it changes its version
  await store.putStream('inbox/small.txt', (async function* () {
    yield Buffer.from('id,amount\n');
    yield Buffer.from('1,2\n');
  })());
  assert.equal(await store.get('inbox/small.txt'), Buffer.from('id,amount\n1,2\n'));
  const before = await store.head('inbox/small.txt');
  await new Promise((resolve) => setTimeout(resolve, 20));
  await store.put('inbox/small.txt', Buffer.from('id,amount\n1,3\n4,5\n'));
  assert.not.equal((await store.head('inbox/small.txt'))?.version, before?.version);
  // an empty object
  await store.putStream('inbox/empty.csv', (async function* () {})());
  assert.is((await store.head('inbox/empty.csv'))?.bytes, 0);
  assert.equal(await store.getRange('inbox/empty.csv', 0, 10), Buffer.alloc(0));
  assert.equal(await store.list('inbox/'), ['inbox/big.bin', 'inbox/empty.csv', 'inbox/small.txt']);
}

s3('large objects: ranged reads (Range requests) and streamed writes (multipart uploads) hold one range or part', async ({ server }) => {
  await largeObjects(createS3ObjectStore({ endpoint: server.endpoint, bucket: 'raw', prefix: 'large', ...credentials }));
});

s3('the folder driver answers the same large-object calls', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-folder-store-'));
  try {
    await largeObjects(createFolderObjectStore(dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** copyFrom between two stores of one kind (an inbox and an archive): a copy inside the storage, or false for a store it cannot reach. */
async function copiesInside(inbox: ObjectStore, archive: ObjectStore, unreachable: string): Promise<void> {
  const body = Buffer.alloc(9 * 1024 * 1024 + 3);
  for (let index = 0; index < body.length; index += 1) body[index] = (index * 7 + (index >> 11)) & 0xff;
  await inbox.put('bank/export.csv', body);
  assert.is(await archive.copyFrom?.(inbox.location, 'bank/export.csv', 'bank/run-1/export.csv'), true);
  assert.ok((await archive.get('bank/run-1/export.csv'))?.equals(body), 'byte for byte');
  assert.is((await inbox.head('bank/export.csv'))?.bytes, body.length, 'a copy: the source stays');
  try {
    await archive.copyFrom?.(inbox.location, 'bank/gone.csv', 'bank/run-1/gone.csv');
    assert.unreachable('a missing source is an error');
  } catch (error) {
    assert.is((error as PlatformError).code, 'raw.object_gone');
    assert.is((error as PlatformError).retryable, true);
  }
  assert.is(await archive.head('bank/run-1/gone.csv'), undefined);
  assert.is(await archive.copyFrom?.(unreachable, 'bank/export.csv', 'bank/run-2/export.csv'), false);
  assert.is(await archive.head('bank/run-2/export.csv'), undefined);
  assert.equal(await archive.list('bank/'), ['bank/run-1/export.csv']);
}

s3('an object is copied from another prefix of the endpoint by CopyObject, none of it through the process', async ({ server }) => {
  const inbox = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'raw', prefix: 'copy/inbox', ...credentials });
  const archive = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'raw', prefix: 'copy/archive', ...credentials });
  await copiesInside(inbox, archive, pathToFileURL(os.tmpdir()).toString());
});

s3('the folder driver copies a file of another folder with a file copy; an s3:// location it cannot reach', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-folder-copy-'));
  try {
    await copiesInside(createFolderObjectStore(path.join(dir, 'inbox')), createFolderObjectStore(path.join(dir, 'archive')), 's3://raw/copy/inbox/');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

s3('a failed multipart upload leaves no object behind', async ({ server }) => {
  const store = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'raw', prefix: 'aborted', ...credentials });
  try {
    await store.putStream('inbox/half.bin', (async function* () {
      yield Buffer.alloc(9 * 1024 * 1024, 1);
      throw new Error('the source broke');
    })());
    assert.unreachable('the upload should fail');
  } catch (error) {
    assert.match((error as Error).message, 'the source broke');
  }
  assert.is(await store.head('inbox/half.bin'), undefined);
});

s3('a wrong bucket is a clear, non-retryable error; an unreachable endpoint is retryable', async ({ server }) => {
  const wrongBucket = createS3ObjectStore({ endpoint: server.endpoint, bucket: 'missing-bucket', ...credentials });
  try {
    await wrongBucket.list('raw/');
    assert.unreachable('listing a missing bucket should fail');
  } catch (error) {
    assert.instance(error, PlatformError);
    assert.is((error as PlatformError).code, 'raw.s3_refused');
    assert.match((error as Error).message, 'missing-bucket');
  }
  const nowhere = createS3ObjectStore({ endpoint: 'http://127.0.0.1:1', bucket: 'raw', timeoutMs: 1000, ...credentials });
  try {
    await nowhere.get('x');
    assert.unreachable('an unreachable endpoint should fail');
  } catch (error) {
    assert.is((error as PlatformError).code, 'raw.s3_unreachable');
    assert.is((error as PlatformError).retryable, true);
  }
});

s3.run();
