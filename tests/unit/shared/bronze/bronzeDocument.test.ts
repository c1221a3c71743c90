import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { toBronzeDocument, toReceivedRecord } from '#bronze/bronzeDocument.ts';

const audit = { runId: 'r1', loadedAt: new Date('2026-03-01T00:00:00Z'), rawFile: 'raw/a/b/2026/03/01/r1/part-00000.json', rawPart: 0, rawIndex: 5, keyHash: null, recordHash: 'h' };

test('a bronze document is the record plus audit fields, with a deterministic _id per raw file and index', () => {
  const document = toBronzeDocument({ id: 1, name: 'x' }, audit);
  assert.equal(document, { id: 1, name: 'x', _id: 'raw/a/b/2026/03/01/r1/part-00000.json#5', _run_id: 'r1', _loaded_at: audit.loadedAt, _raw_file: audit.rawFile, _raw_part: 0, _raw_index: 5, _key_hash: null, _record_hash: 'h' });
});

test('fields that collide with audit fields are shadowed, awkward names escaped, and both undone on the way out', () => {
  const record = { _id: 'source id', _key_hash: 'theirs', 'a.b': { $c: 1 }, list: [{ 'x.y': 2 }], __proto__field: 3 };
  const document = toBronzeDocument(record, audit);
  assert.equal(document._shadowed, { _id: 'source id', _key_hash: 'theirs' });
  assert.equal(document['a\uFF0Eb'], { '\uFF04c': 1 });
  assert.is(document._id, `${audit.rawFile}#5`);
  assert.equal(toReceivedRecord(document), record);
});

test('a received __proto__ key stays data and does not change the prototype', () => {
  const record = JSON.parse('{"__proto__": {"polluted": true}, "id": 1}') as Record<string, unknown>;
  const document = toBronzeDocument(record, audit);
  assert.is(Object.getPrototypeOf(document), Object.prototype);
  assert.equal(toReceivedRecord(document), record);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test('records that are not objects are kept under _value', () => {
  for (const record of ['text', 42, null, [1, { 'a.b': 2 }]]) {
    const document = toBronzeDocument(record, audit);
    assert.equal(toReceivedRecord(document), record);
  }
});

test.run();
