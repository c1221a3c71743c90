/**
 * The streamed CSV reader against the whole-file parser on the same bytes: records, lines and rejects agree
 * across 1 MB read boundaries (quoted fields with newlines, doubled quotes, CRLF, a BOM, a last line without a
 * newline), and resuming from any batch's position yields exactly the rest.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { parseCsvFile } from '#connectors/files/parseCsvFile.ts';
import { readCsvStart, streamCsvBatches, type ByteSource } from '#connectors/files/streamCsvFile.ts';
import { createFolderObjectStore } from '#platform/raw/createFolderObjectStore.ts';
import { readObjectFrom } from '#platform/raw/objectStore.ts';

const options = { delimiter: ',', quote: '"', header: true, skip_lines: 1, empty_as_null: true, encoding: 'utf-8', required: ['id', 'memo'] };

test('streamed batches equal the whole-file parse, and a resume from any batch yields the rest', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-stream-csv-'));
  try {
    const rows: string[] = [];
    for (let id = 1; id <= 90_000; id += 1) {
      const memo = id % 7 === 0 ? `"line one\r\nline ""two"" of ${id}"` : id % 11 === 0 ? `"a, b ${'x'.repeat(id % 50)}"` : `plain ${id} é`;
      rows.push(id % 997 === 0 ? `${id},${memo},EXTRA` : `${id},${memo}`);
    }
    const text = `\uFEFFExport of 2026\r\nid,memo\r\n${rows.join('\r\n')}`;
    const file = path.join(dir, 'big.csv');
    await writeFile(file, text);
    // read as the connector reads the inbox: the store's ranged reads, here 1 MB at a time
    const store = createFolderObjectStore(dir);
    const source: ByteSource = (start) => readObjectFrom(store, 'big.csv', start, 1024 * 1024);
    const whole = parseCsvFile(text.replace(/^\uFEFF/, ''), 'big.csv', options);

    const start = await readCsvStart(source, 'big.csv', options);
    const positions = [start];
    const records: unknown[] = [];
    const lines: unknown[] = [];
    const rejects: unknown[] = [];
    for await (const batch of streamCsvBatches(source, 'big.csv', options, start, 4000)) {
      records.push(...batch.parsed.records);
      lines.push(...batch.parsed.lines);
      rejects.push(...batch.parsed.rejects);
      positions.push(batch.next);
    }
    assert.ok(Buffer.byteLength(text) > 2 * 1024 * 1024, 'the file spans several reads');
    assert.equal(records, whole.records);
    assert.equal(lines, whole.lines);
    assert.equal(rejects, whole.rejects);
    // resume from the middle: exactly the records after that position
    const middle = positions[4]!;
    const rest: unknown[] = [];
    for await (const batch of streamCsvBatches(source, 'big.csv', options, middle, 4000)) rest.push(...batch.parsed.records);
    assert.equal(rest, whole.records.slice(records.length - rest.length));
    assert.is(records.length - rest.length, 4 * 4000 - rejects.filter((reject) => ((reject as { line: number }).line ?? 0) < middle.line).length);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
