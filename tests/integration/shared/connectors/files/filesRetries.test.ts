/**
 * A files extract attempt that fails after it moved a file out of the inbox, and its retry from the same
 * checkpoint (what the orchestrator does when a step fails: Postgres gone before the step's outcome was
 * recorded, the function killed). The failure is injected through the inbox and archive stores at each point
 * of each move — after the ledger row and before the copy, between the copy and the inbox delete, right after
 * the delete — so no restart timing is involved. Every retry must write exactly the parts of an uninterrupted
 * run, report the same files imported, duplicate and rejected, and leave the same archive.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import * as assert from 'uvu/assert';
import { z } from 'zod';

import { FilesConnector } from '#connectors/files/filesConnector.ts';
import { openFilesStores, type FilesStores } from '#connectors/files/filesStores.ts';
import type { ExtractResult } from '#connectors/types.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { sql } from '#platform/db/sql.ts';
import { isPlatformError, TransientError } from '#platform/errors.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { RawRunRef } from '#platform/raw/rawStore.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { datasetRef, newRun, recordsOf, type Harness } from '#support/connectorHarness.ts';
import { filesConnectorSuite, type FilesConnectorContext } from '#support/filesConnectorSuite.ts';

const connector = new FilesConnector();
type Context = FilesConnectorContext;
const retries = filesConnectorSuite('files connector: retries after a failed attempt');

const columns = [{ name: 'id', type: 'text' }, { name: 'amount', type: 'numeric' }];
const refFor = (load: 'full' | 'delta', extract: Record<string, unknown> = {}): DatasetRef =>
  datasetRef({ source: 'bank', connector: 'files' }, { name: 'transactions', load, columns, extract });

async function startRun(context: Context, ref: DatasetRef): Promise<RawRunRef> {
  const run = newRun(ref);
  const runId = `${run.runId}-${Math.random().toString(36).slice(2, 8)}`;
  await insertActiveRun(context.db.pool, { runId, kind: 'dataset', source: 'bank', dataset: 'transactions', load: ref.dataset.load, trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
  await finishRun(context.db.pool, runId, { status: 'succeeded' }, new Date());
  return { ...run, runId };
}

/** Where in a move out of the inbox the attempt dies: before the archive copy, between copy and inbox delete, after the delete. */
type CrashPoint = 'before-copy' | 'before-delete' | 'after-move';
const CRASH_POINTS: readonly CrashPoint[] = ['before-copy', 'before-delete', 'after-move'];

/** The stores of the harness, failing the attempt at `point` of its `move`-th move (1-based) out of the inbox. */
function crashingStores(stores: FilesStores, move: number, point: CrashPoint): { stores: FilesStores; crashed: () => boolean } {
  let moves = 0;
  let crashed = false;
  const crash = (): never => {
    crashed = true;
    throw new TransientError('test.crash', `attempt died at ${point} of move ${move}`);
  };
  const archive: ObjectStore = {
    ...stores.archive,
    put: async (key, body) => {
      moves += 1;
      if (moves === move && point === 'before-copy') crash();
      await stores.archive.put(key, body);
    },
    putStream: async (key, chunks) => {
      moves += 1;
      if (moves === move && point === 'before-copy') crash();
      await stores.archive.putStream(key, chunks);
    },
    // a copy inside the storage (folder to folder) is the move's copy too; one it cannot do falls back to putStream
    copyFrom: async (sourceLocation, sourceKey, key) => {
      moves += 1;
      if (moves === move && point === 'before-copy') crash();
      const copied = (await stores.archive.copyFrom?.(sourceLocation, sourceKey, key)) === true;
      if (!copied) moves -= 1;
      return copied;
    },
  };
  const inbox: ObjectStore = {
    ...stores.inbox,
    delete: async (keys) => {
      if (moves === move && point === 'before-delete') crash();
      await stores.inbox.delete(keys);
      if (moves === move && point === 'after-move') crash();
    },
  };
  return { stores: { inbox, archive }, crashed: () => crashed };
}

const extractOnce = (context: Context, ref: DatasetRef, run: RawRunRef, checkpoint: unknown, stores: FilesStores, harness: Harness = context.harness, budgetMs = 60_000): Promise<ExtractResult> =>
  connector.extract({ ref, run, checkpoint, deadline: harness.clock.now() + budgetMs }, { ...harness.context, files: stores });

/** What a run leaves behind that a retry must reproduce exactly. */
async function outcomeOf(context: Context, run: RawRunRef, results: readonly ExtractResult[]) {
  const last = results.at(-1)!;
  const archived = async (folder: string): Promise<string[]> => (await readdir(path.join(context.archive, folder)).catch(() => [])).sort();
  const ledger = await context.db.pool.any(sql.type(z.object({ file_name: z.string(), records: z.bigint(), rejected: z.bigint(), archived_as: z.string().nullable() }))`
    SELECT file_name, records, rejected, archived_as FROM platform.imported_files WHERE run_id = ${run.runId} ORDER BY file_name`);
  return {
    written: await recordsOf(context.harness.raw, run),
    unchanged: last.unchanged === true,
    imported: last.detail.imported,
    duplicates: (last.detail.duplicates as string[]).map((entry) => entry.replace(run.runId, '<run>')),
    rejectedFiles: last.detail.rejected_files,
    waiting: last.detail.waiting,
    rejects: results.flatMap((result) => result.rejects).map((reject) => [reject.origin, reject.line ?? null, reject.reason]),
    ledger: ledger.map((row) => ({ ...row, archived_as: row.archived_as?.replace(run.runId, '<run>') ?? null })),
    inbox: (await readdir(context.inbox)).sort(),
    archive: { imported: await archived(run.runId), duplicates: await archived(path.join('duplicates', run.runId)), rejected: await archived(path.join('rejected', run.runId)) },
  };
}

const rows = (prefix: string, count: number): string => Array.from({ length: count }, (_, i) => `${prefix}${i},${i}.5`).join('\n');
/** A delta inbox with every kind of file: streamed CSV (with a bad row), whole JSON, a duplicate, a rejected file. */
const DELTA_INBOX: Readonly<Record<string, string>> = {
  'a.csv': `id,amount\n${rows('a', 5)}\nbad,row,here\n`,
  'b.json': JSON.stringify([{ id: 'b1', amount: 1 }, { id: 'b2', amount: 2 }, { id: 'b3', amount: 3 }]),
  'c.csv': `id,amount\n${rows('a', 5)}\nbad,row,here\n`,
  'd.json': '[{"id": "d1"},\n {"id": "d2"\n',
  'e.csv': `id,amount\n${rows('e', 3)}\n`,
};
const MOVES_IN_DELTA_INBOX = Object.keys(DELTA_INBOX).length;

async function fillInbox(context: Context, files: Readonly<Record<string, string>>): Promise<void> {
  await rm(context.inbox, { recursive: true, force: true });
  await mkdir(context.inbox, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(context.inbox, name), text);
}

retries('one chunk: an attempt that dies at any point of any move is retried from the same checkpoint into the same parts, reports and archive', async (context) => {
  const ref = refFor('delta', { batch_size: 2 });
  const stores = openFilesStores(context.harness.context.env!);
  await fillInbox(context, DELTA_INBOX);
  const clean = await startRun(context, ref);
  const expected = await outcomeOf(context, clean, [await extractOnce(context, ref, clean, undefined, stores)]);
  assert.equal(expected.imported, ['a.csv', 'b.json', 'e.csv']);
  assert.equal(expected.duplicates, ['c.csv (same content as a.csv, imported earlier in this run)']);
  assert.equal(expected.rejectedFiles, ['d.json']);
  assert.equal(expected.archive, { imported: ['a.csv', 'b.json', 'e.csv'], duplicates: ['c.csv'], rejected: ['d.json'] });

  for (let move = 1; move <= MOVES_IN_DELTA_INBOX; move += 1) {
    for (const point of CRASH_POINTS) {
      await fillInbox(context, DELTA_INBOX);
      const run = await startRun(context, ref);
      const crashing = crashingStores(stores, move, point);
      try {
        await extractOnce(context, ref, run, undefined, crashing.stores);
        assert.unreachable('the attempt dies');
      } catch (error) {
        assert.ok(crashing.crashed(), `the injected failure ended the attempt, not ${String(error)}`);
      }
      const retried = await outcomeOf(context, run, [await extractOnce(context, ref, run, undefined, stores)]);
      assert.equal(retried, expected, `retry after a failure at ${point} of move ${move}`);
    }
  }
});

retries('chunk by chunk: a retry from a checkpoint in the middle of a file that an attempt then archived imports it again from the archive', async (context) => {
  const ref = refFor('delta', { batch_size: 2 });
  const stores = openFilesStores(context.harness.context.env!);
  const files = { 'a.csv': `id,amount\n${rows('a', 7)}\n`, 'b.csv': `id,amount\n${rows('b', 3)}\n` };
  // each part takes 3 s to write and each chunk has 5 s: checkpoints fall in the middle of files
  const raw = context.harness.raw;
  const slow: Harness = { ...context.harness, context: { ...context.harness.context, raw: { ...raw, writePart: async (...args: Parameters<typeof raw.writePart>) => {
    context.harness.clock.advance(3000);
    return raw.writePart(...args);
  } } } };
  const runChunks = async (run: RawRunRef, crash: CrashPoint | undefined): Promise<ExtractResult[]> => {
    const results: ExtractResult[] = [];
    let checkpoint: unknown;
    for (let chunk = 0; chunk < 50; chunk += 1) {
      let result: ExtractResult;
      if (crash === undefined) {
        result = await extractOnce(context, ref, run, checkpoint, stores, slow, 5000);
      } else {
        const crashing = crashingStores(stores, 1, crash);
        try {
          result = await extractOnce(context, ref, run, checkpoint, crashing.stores, slow, 5000);
          assert.not.ok(crashing.crashed());
        } catch (error) {
          if (!crashing.crashed()) throw error;
          result = await extractOnce(context, ref, run, checkpoint, stores, slow, 5000);
        }
      }
      results.push(result);
      if (result.done) return results;
      checkpoint = JSON.parse(JSON.stringify(result.checkpoint));
    }
    throw new Error('the extraction did not finish');
  };
  await fillInbox(context, files);
  const clean = await startRun(context, ref);
  const cleanResults = await runChunks(clean, undefined);
  assert.ok(cleanResults.length >= 3, 'the files span several chunks');
  const expected = await outcomeOf(context, clean, cleanResults);
  assert.equal(expected.imported, ['a.csv', 'b.csv']);
  for (const point of CRASH_POINTS) {
    await fillInbox(context, files);
    const run = await startRun(context, ref);
    const retried = await outcomeOf(context, run, await runChunks(run, point));
    assert.equal(retried, expected, `every chunk's first attempt dies at ${point} of its first move`);
  }
});

retries('full load: a snapshot archived by a failed attempt is the retry\'s snapshot — never "unchanged", never the next file', async (context) => {
  const ref = refFor('full');
  const stores = openFilesStores(context.harness.context.env!);
  const files = { 'snapshot-1.csv': `id,amount\n${rows('s', 4)}\n`, 'snapshot-2.csv': `id,amount\n${rows('t', 2)}\n` };
  for (const point of CRASH_POINTS) {
    await fillInbox(context, files);
    const run = await startRun(context, ref);
    const crashing = crashingStores(stores, 1, point);
    await extractOnce(context, ref, run, undefined, crashing.stores).catch((error: unknown) => assert.ok(crashing.crashed(), String(error)));
    const retried = await extractOnce(context, ref, run, undefined, stores);
    assert.is(retried.unchanged, undefined, `${point}: the snapshot is not lost`);
    assert.equal(retried.detail.imported, ['snapshot-1.csv']);
    assert.is(retried.detail.waiting, 1);
    assert.equal((await recordsOf(context.harness.raw, run)).records.map((record) => (record as { id: string }).id), ['s0', 's1', 's2', 's3']);
    assert.equal(await readdir(context.inbox), ['snapshot-2.csv']);
  }
});

retries('the files of a run are those its first attempt listed: a file dropped before the retry waits for the next run', async (context) => {
  const ref = refFor('delta');
  const stores = openFilesStores(context.harness.context.env!);
  await fillInbox(context, { 'a.csv': `id,amount\n${rows('a', 2)}\n`, 'c.csv': `id,amount\n${rows('c', 2)}\n` });
  const run = await startRun(context, ref);
  const crashing = crashingStores(stores, 2, 'after-move');
  await extractOnce(context, ref, run, undefined, crashing.stores).catch((error: unknown) => assert.ok(crashing.crashed(), String(error)));
  // b sorts between the two: read in the retry, it would shift c's parts
  await writeFile(path.join(context.inbox, 'b.csv'), `id,amount\n${rows('b', 2)}\n`);
  const retried = await extractOnce(context, ref, run, undefined, stores);
  assert.equal(retried.detail.imported, ['a.csv', 'c.csv']);
  assert.equal((await recordsOf(context.harness.raw, run)).origins, ['a.csv', 'c.csv']);
  assert.equal(await readdir(context.inbox), ['b.csv']);
  const next = await startRun(context, ref);
  assert.equal((await extractOnce(context, ref, next, undefined, stores)).detail.imported, ['b.csv']);
});

retries('a file removed from the inbox in the middle of its import fails the run; records already in raw never end "unchanged"', async (context) => {
  const ref = refFor('delta', { batch_size: 2 });
  const stores = openFilesStores(context.harness.context.env!);
  await fillInbox(context, { 'a.csv': `id,amount\n${rows('a', 5)}\n` });
  // the first chunk stops in the middle of the file
  const raw = context.harness.raw;
  const slow: Harness = { ...context.harness, context: { ...context.harness.context, raw: { ...raw, writePart: async (...args: Parameters<typeof raw.writePart>) => {
    context.harness.clock.advance(3000);
    return raw.writePart(...args);
  } } } };
  const run = await startRun(context, ref);
  const first = await extractOnce(context, ref, run, undefined, stores, slow, 5000);
  assert.is(first.done, false);
  await rm(path.join(context.inbox, 'a.csv'));
  try {
    await extractOnce(context, ref, run, JSON.parse(JSON.stringify(first.checkpoint)), stores);
    assert.unreachable('the file went away mid-import');
  } catch (error) {
    assert.ok(isPlatformError(error) && error.code === 'files.gone_during_import', String(error));
    assert.match((error as Error).message, 'a.csv');
  }
  // the first chunk's attempt is retried after the file went away: its part is in raw, so "nothing new" would drop it
  try {
    await extractOnce(context, ref, run, undefined, stores);
    assert.unreachable('not unchanged');
  } catch (error) {
    assert.ok(isPlatformError(error) && error.code === 'extract.unchanged_with_parts', String(error));
    assert.match((error as Error).message, run.runId);
  }
});

retries('two files of the same name (the dataset\'s inbox and the source\'s) are never imported by one run: the second waits', async (context) => {
  const ref = refFor('delta', { pattern: '*.csv' });
  const stores = openFilesStores(context.harness.context.env!);
  await fillInbox(context, { 'same.csv': `id,amount\n${rows('x', 2)}\n` });
  const shared = path.dirname(context.inbox);
  await writeFile(path.join(shared, 'same.csv'), `id,amount\n${rows('y', 2)}\n`);
  const first = await startRun(context, ref);
  assert.equal((await extractOnce(context, ref, first, undefined, stores)).detail.imported, ['same.csv']);
  const second = await startRun(context, ref);
  assert.equal((await extractOnce(context, ref, second, undefined, stores)).detail.imported, ['same.csv']);
  const ids = async (run: RawRunRef) => (await recordsOf(context.harness.raw, run)).records.map((record) => (record as { id: string }).id);
  assert.equal([...await ids(first), ...await ids(second)].sort(), ['x0', 'x1', 'y0', 'y1']);
  assert.equal(await readdir(path.join(context.archive, first.runId)), ['same.csv']);
  assert.equal(await readdir(path.join(context.archive, second.runId)), ['same.csv']);
});

retries.run();
