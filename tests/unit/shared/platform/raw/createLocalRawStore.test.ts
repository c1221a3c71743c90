import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ConflictError, ValidationError } from '#platform/errors.ts';
import { createLocalRawStore } from '#platform/raw/createLocalRawStore.ts';
import { createFolderObjectStore } from '#platform/raw/createFolderObjectStore.ts';
import { createRawStore } from '#platform/raw/createRawStore.ts';
import type { RawRunRef, RawStore } from '#platform/raw/rawStore.ts';

const raw = suite<{ root: string; store: RawStore }>('createLocalRawStore');
const run: RawRunRef = { source: 'bank', dataset: 'transactions', runId: 'run-1', startedAt: new Date('2026-03-09T23:59:00Z') };

raw.before.each(async (context) => {
  context.root = await mkdtemp(path.join(os.tmpdir(), 'dp-raw-'));
  context.store = createLocalRawStore(context.root);
});
raw.after.each(async (context) => {
  await rm(context.root, { recursive: true, force: true });
});

raw('parts land at raw/<source>/<dataset>/<yyyy>/<mm>/<dd>/<run_id>/part-<nnnnn>.json with their records', async ({ root, store }) => {
  const info = await store.writePart(run, 1, [{ id: 1 }, { id: 2 }], 'export.csv');
  assert.is(info.key, 'raw/bank/transactions/2026/03/09/run-1/part-00001.json');
  assert.is(info.records, 2);
  const body = JSON.parse(await readFile(path.join(root, info.key), 'utf8'));
  assert.equal(body.records, [{ id: 1 }, { id: 2 }]);
  assert.is(body.origin, 'export.csv');
  assert.is(body.run_id, 'run-1');
});

raw('writing the same part twice is a no-op; different records under the same part are refused', async ({ store }) => {
  const first = await store.writePart(run, 0, [{ id: 1 }]);
  const again = await store.writePart(run, 0, [{ id: 1 }]);
  assert.equal(again, first);
  try {
    await store.writePart(run, 0, [{ id: 2 }]);
    assert.unreachable('rewriting a part should fail');
  } catch (error) {
    assert.instance(error, ConflictError);
    assert.is((error as ConflictError).code, 'raw.part_conflict');
  }
  assert.equal((await store.readPart(first.key)).records, [{ id: 1 }]);
});

raw('the manifest lists every part with counts and sha256, in part order', async ({ store }) => {
  await store.writePart(run, 2, [{ id: 3 }]);
  await store.writePart(run, 1, [{ id: 1 }, { id: 2 }]);
  assert.is(await store.readManifest(run), null);
  const manifest = await store.writeManifest(run, true);
  assert.equal(manifest.parts.map((part) => part.part), [1, 2]);
  assert.is(manifest.records, 3);
  assert.is(manifest.complete, true);
  assert.match(manifest.parts[0]?.sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.equal(await store.readManifest(run), manifest);
});

raw('a corrupt part is a ValidationError naming its key; keys cannot escape the store', async ({ root, store }) => {
  const info = await store.writePart(run, 0, [{ id: 1 }]);
  await writeFile(path.join(root, info.key), '{"records": [');
  try {
    await store.readPart(info.key);
    assert.unreachable('corrupt part should fail');
  } catch (error) {
    assert.instance(error, ValidationError);
    assert.match((error as Error).message, info.key);
  }
  try {
    await store.readPart('../../etc/passwd');
    assert.unreachable('escaping key should fail');
  } catch (error) {
    assert.is((error as ValidationError).code, 'raw.bad_key');
  }
});

raw('retention deletes runs of days before the cut-off and keeps later ones', async ({ store }) => {
  const old = { ...run, runId: 'old', startedAt: new Date('2026-01-01T10:00:00Z') };
  const recent = { ...run, runId: 'recent', startedAt: new Date('2026-03-01T10:00:00Z') };
  await store.writePart(old, 0, [{ id: 1 }]);
  await store.writePart(recent, 0, [{ id: 1 }]);
  const removed = await store.deleteRunsBefore('bank', 'transactions', new Date('2026-02-01T00:00:00Z'));
  assert.equal(removed, ['old']);
  assert.is((await store.listParts(old)).length, 0);
  assert.is((await store.listParts(recent)).length, 1);
});

raw('a checkpoint reads only the parts written since the last manifest, so a large run\'s checkpoints stay cheap', async ({ root }) => {
  const folder = createFolderObjectStore(root);
  const read: string[] = [];
  const store = createRawStore({ ...folder, get: async (key) => { read.push(key); return folder.get(key); } });
  for (const part of [1, 2, 3]) await store.writePart(run, part, [{ id: part }]);
  read.length = 0;
  await store.writeManifest(run, false);
  assert.equal(read.filter((key) => !key.endsWith('manifest.json')), [], 'the parts this store wrote are not read back');
  // Another process (the next invocation) knows the parts from the manifest; it reads only the part written since.
  const next = createRawStore({ ...folder, get: async (key) => { read.push(key); return folder.get(key); } });
  await createRawStore(folder).writePart(run, 4, [{ id: 4 }]);
  read.length = 0;
  const manifest = await next.writeManifest(run, true);
  assert.equal(manifest.parts.map((info) => [info.part, info.records]), [[1, 1], [2, 1], [3, 1], [4, 1]]);
  assert.equal(read.filter((key) => !key.endsWith('manifest.json')), ['raw/bank/transactions/2026/03/09/run-1/part-00004.json'], 'parts 1–3 came from the manifest');
});

raw.run();
