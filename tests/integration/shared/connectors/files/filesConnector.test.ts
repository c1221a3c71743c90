import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import * as assert from 'uvu/assert';
import { z } from 'zod';

import type { Connector } from '#connectors/connector.ts';
import { FilesConnector } from '#connectors/files/filesConnector.ts';
import { commitCursor } from '#pipeline/cursor/commitCursor.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { sql } from '#platform/db/sql.ts';
import { ConfigError } from '#platform/errors.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { RawRunRef } from '#platform/raw/rawStore.ts';
import { datasetRef, extractInChunks, newRun, recordsOf } from '#support/connectorHarness.ts';
import { filesConnectorSuite, type FilesConnectorContext } from '#support/filesConnectorSuite.ts';

const connector = new FilesConnector();
type Context = FilesConnectorContext;
const files = filesConnectorSuite('files connector');

const columns = [{ name: 'id', type: 'text' }, { name: 'booked', type: 'date' }, { name: 'amount', type: 'numeric' }, { name: 'memo', type: 'text' }];
const narrow = [{ name: 'id', type: 'text' }, { name: 'amount', type: 'numeric' }];
const refFor = (load: 'full' | 'delta' = 'delta', extract: Record<string, unknown> = {}, datasetColumns = columns): DatasetRef =>
  datasetRef({ source: 'bank', connector: 'files' }, { name: 'transactions', load, columns: datasetColumns, extract });

async function startRun(context: Context, ref: DatasetRef): Promise<RawRunRef> {
  const run = newRun(ref);
  const runId = `${run.runId}-${Math.random().toString(36).slice(2, 8)}`;
  // Recorded as the orchestrator does, and ended at once: the ledger only needs the run to exist.
  await insertActiveRun(context.db.pool, { runId, kind: 'dataset', source: 'bank', dataset: 'transactions', load: ref.dataset.load, trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
  await finishRun(context.db.pool, runId, { status: 'succeeded' }, new Date());
  return { ...run, runId };
}

const extract = (context: Context, ref: DatasetRef, run: RawRunRef, checkpoint?: unknown) =>
  connector.extract({ ref, run, checkpoint, deadline: context.harness.clock.now() + 60_000 }, context.harness.context);

const CSV = [
  'id,booked,amount,memo',
  't1,2026-01-02,-12.50,Coffee',
  't2,2026-01-03,2500.00,"Salary, January"',
  't3,2026-01-04,-40.00,Groceries,EXTRA',
  't4,2026-01-05,-7.25,"Two',
  'lines"',
  ',2026-01-06,-1.00,no id',
  '',
].join('\r\n');

files('CSV: rows become records, a bad row is reported with file and line, the file is archived and recorded', async (context) => {
  await writeFile(path.join(context.inbox, '2026-01.csv'), CSV);
  const ref = refFor();
  const run = await startRun(context, ref);
  const result = await extract(context, ref, run);
  assert.is(result.done, true);
  assert.is(result.records, 3);
  const written = await recordsOf(context.harness.raw, run);
  assert.equal(written.records, [
    { id: 't1', booked: '2026-01-02', amount: '-12.50', memo: 'Coffee' },
    { id: 't2', booked: '2026-01-03', amount: '2500.00', memo: 'Salary, January' },
    { id: 't4', booked: '2026-01-05', amount: '-7.25', memo: 'Two\r\nlines' },
  ]);
  assert.equal(written.origins, ['2026-01.csv']);
  assert.equal(result.rejects.map((r) => [r.origin, r.line, r.reason]), [
    ['2026-01.csv', 4, 'has 5 fields, the header has 4'],
    ['2026-01.csv', 7, 'key column id is empty'],
  ]);
  assert.is(result.rejects[0]?.text, 't3,2026-01-04,-40.00,Groceries,EXTRA');
  assert.equal(await readdir(context.inbox), []);
  assert.equal(await readdir(path.join(context.archive, run.runId)), ['2026-01.csv']);
  assert.equal(result.detail.imported, ['2026-01.csv']);
  const ledger = await context.db.pool.one(sql.type(z.object({ file_name: z.string(), records: z.bigint(), rejected: z.bigint(), committed_at: z.date().nullable() }))`
    SELECT file_name, records, rejected, committed_at FROM platform.imported_files WHERE run_id = ${run.runId}`);
  assert.equal(ledger, { file_name: '2026-01.csv', records: 3n, rejected: 2n, committed_at: null });
});

files('a re-dropped file (same content, any name) is never imported twice once its run committed', async (context) => {
  const ref = refFor();
  await writeFile(path.join(context.inbox, 'export.json'), JSON.stringify([{ id: 'j1', amount: 1 }, { id: 'j2', amount: 2 }]));
  const first = await startRun(context, ref);
  assert.is((await extract(context, ref, first)).records, 2);

  // the first run failed before silver: the same content dropped again is imported again
  await writeFile(path.join(context.inbox, 'export-again.json'), JSON.stringify([{ id: 'j1', amount: 1 }, { id: 'j2', amount: 2 }]));
  const second = await startRun(context, ref);
  assert.is((await extract(context, ref, second)).records, 2);
  await context.db.pool.transaction((tx) => commitCursor(tx, second.runId)); // what succeedRun does when the run succeeds

  await writeFile(path.join(context.inbox, 'export (1).json'), JSON.stringify([{ id: 'j1', amount: 1 }, { id: 'j2', amount: 2 }]));
  const third = await startRun(context, ref);
  const result = await extract(context, ref, third);
  assert.is(result.records, 0);
  assert.is(result.unchanged, true);
  assert.equal((await recordsOf(context.harness.raw, third)).parts, []);
  assert.match(String((result.detail.duplicates as string[])[0]), `export (1).json (same content as export-again.json, imported by run ${second.runId})`);
  assert.equal(await readdir(path.join(context.archive, 'duplicates', third.runId)), ['export (1).json']);
});

files('JSON and JSON Lines: elements that are not objects are rejected; a file that is not JSON is moved aside whole', async (context) => {
  const ref = refFor();
  await writeFile(path.join(context.inbox, 'a.json'), JSON.stringify({ data: { items: [{ id: 'a1' }, 42, { id: 'a2' }] } }));
  await writeFile(path.join(context.inbox, 'b.jsonl'), '{"id":"b1"}\n{"id":\n["not an object"]\n{"id":"b2"}\n');
  await writeFile(path.join(context.inbox, 'c.json'), '[{"id": "c1"},\n {"id": "c2"\n');
  const run = await startRun(context, { ...ref, dataset: { ...ref.dataset, extract: { records_path: 'data.items' } } });
  const result = await connector.extract({ ref: refFor('delta', { records_path: 'data.items' }), run, deadline: context.harness.clock.now() + 60_000 }, context.harness.context);
  assert.equal(((await recordsOf(context.harness.raw, run)).records as { id: string }[]).map((r) => r.id), ['a1', 'a2', 'b1', 'b2']);
  assert.equal(result.rejects.map((r) => [r.origin, r.line ?? null]), [['a.json', null], ['b.jsonl', 2], ['b.jsonl', 3], ['c.json', 3]]);
  assert.match(result.rejects[0]?.reason ?? '', 'element [1] is a number');
  assert.match(result.rejects[3]?.reason ?? '', 'not valid JSON');
  assert.equal(result.detail.rejected_files, ['c.json']);
  assert.equal(await readdir(path.join(context.archive, 'rejected', run.runId)), ['c.json']);
  assert.equal((await readdir(path.join(context.archive, run.runId))).sort(), ['a.json', 'b.jsonl']);
});

files('a full-load dataset imports one snapshot file per run, oldest name first', async (context) => {
  const ref = refFor('full', {}, narrow);
  await writeFile(path.join(context.inbox, 'snapshot-2026-01.csv'), 'id,amount\ns1,1\ns2,2\n');
  await writeFile(path.join(context.inbox, 'snapshot-2026-02.csv'), 'id,amount\ns1,1\n');
  const first = await startRun(context, ref);
  const one = await extract(context, ref, first);
  assert.is(one.records, 2);
  assert.is(one.detail.waiting, 1);
  assert.equal(await readdir(context.inbox), ['snapshot-2026-02.csv']);
  const second = await startRun(context, ref);
  const two = await extract(context, ref, second);
  assert.is(two.records, 1);
  assert.is(two.detail.waiting, 0);
  const third = await startRun(context, ref);
  const none = await extract(context, ref, third);
  assert.is(none.unchanged, true, 'no file: the orchestrator must not treat it as an empty snapshot');
});

files('a full-load export with a header and no rows is an empty snapshot: one empty part, not "unchanged"', async (context) => {
  const ref = refFor('full', {}, narrow);
  await writeFile(path.join(context.inbox, 'snapshot-2026-03.csv'), 'id,amount\n');
  const run = await startRun(context, ref);
  const result = await extract(context, ref, run);
  assert.is(result.unchanged, undefined);
  assert.is(result.records, 0);
  const parts = await context.harness.raw.listParts(run);
  assert.equal(parts.map((part) => [part.part, part.records]), [[0, 0]]);
  assert.equal(await readdir(context.inbox), []);
  // a delta dataset has no snapshot to empty: a header-only file writes nothing
  const delta = refFor('delta', {}, narrow);
  await writeFile(path.join(context.inbox, 'changes.csv'), 'id,amount\n');
  const deltaRun = await startRun(context, delta);
  await extract(context, delta, deltaRun);
  assert.equal(await context.harness.raw.listParts(deltaRun), []);
});

files('stopping at the time budget mid-file and resuming yields exactly the records of one uninterrupted run', async (context) => {
  const rows = Array.from({ length: 7 }, (_, i) => `r${i},${i}`).join('\n');
  const ref = refFor('delta', { batch_size: 2 }, narrow);
  await writeFile(path.join(context.inbox, 'one.csv'), `id,amount\n${rows}\nbad,row,here\n`);
  const whole = await startRun(context, ref);
  const expected = await extract(context, ref, whole);
  const copy = await readFile(path.join(context.archive, whole.runId, 'one.csv'));
  await context.db.pool.query(sql.type(z.object({}))`DELETE FROM platform.imported_files WHERE run_id = ${whole.runId}`);
  await writeFile(path.join(context.inbox, 'one.csv'), copy);
  await writeFile(path.join(context.inbox, 'two.csv'), 'id,amount\nz1,1\n');

  // each part takes 3 s to write; each chunk has 5 s
  const raw = context.harness.raw;
  const slowRaw = { ...raw, writePart: async (...args: Parameters<typeof raw.writePart>) => {
    context.harness.clock.advance(3000);
    return raw.writePart(...args);
  } };
  const chunked = await startRun(context, ref);
  const harness = { ...context.harness, context: { ...context.harness.context, raw: slowRaw } };
  const { results } = await extractInChunks(connector as unknown as Connector<unknown, unknown, unknown>, harness, ref, chunked, 5000);
  assert.ok(results.length >= 4);
  const resumed = await recordsOf(raw, chunked);
  const original = await recordsOf(raw, whole);
  assert.equal(resumed.records, [...original.records, { id: 'z1', amount: '1' }]);
  assert.equal(resumed.parts, [0, 1, 2, 3, 4]);
  assert.is(results.flatMap((r) => r.rejects).length, expected.rejects.length, 'a bad row is reported once, not once per chunk');
});

files('an empty inbox is done and unchanged; without a database the connector says what it needs', async (context) => {
  const ref = refFor();
  const run = await startRun(context, ref);
  const result = await extract(context, ref, run);
  assert.equal([result.done, result.records, result.unchanged], [true, 0, true]);
  try {
    await connector.extract({ ref, run, deadline: context.harness.clock.now() + 60_000 }, { ...context.harness.context, db: undefined });
    assert.unreachable('needs db');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.match((error as Error).message, 'context.db');
  }
});

files.run();
