import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createSourcePathReader } from '#pipeline/records/createSourcePathReader.ts';
import { readSourcePath } from '#pipeline/records/readSourcePath.ts';

const record = { payee: { name: 'Bakery' }, lines: [{ amount: 3 }, { amount: 4 }], empty: null, '': 'blank', n: 7 };
const paths = ['payee.name', 'lines.1.amount', 'lines.0', 'lines.x', 'lines.01.amount', 'lines.5.amount', 'empty.name', 'constructor', 'payee.toString', 'n.x', '', 'missing', 'payee', 'payee..name'];

test('a compiled reader gives the same answer as readSourcePath on every path', () => {
  for (const path of paths) {
    const read = createSourcePathReader(path);
    for (const input of [record, null, 'text', [record], { payee: [] }]) {
      assert.is(read(input), readSourcePath(input, path), `path ${JSON.stringify(path)} on ${JSON.stringify(input)}`);
    }
  }
});

test('a compiled reader follows objects and arrays and never into prototypes', () => {
  assert.is(createSourcePathReader('payee.name')(record), 'Bakery');
  assert.is(createSourcePathReader('lines.1.amount')(record), 4);
  assert.is(createSourcePathReader('constructor')(record), undefined);
  assert.is(createSourcePathReader('payee.toString')(record), undefined);
});

test.run();
