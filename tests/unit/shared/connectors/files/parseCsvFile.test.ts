import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { parseCsvFile, type CsvOptions } from '#connectors/files/parseCsvFile.ts';
import { ValidationError } from '#platform/errors.ts';

const csv = suite('parseCsvFile');
const options: CsvOptions = { delimiter: ',', quote: '"', skip_lines: 0, empty_as_null: true };

csv('BOM, escaped quotes, empty fields as null, blank lines skipped, lines counted where records start', () => {
  const parsed = parseCsvFile('\uFEFFid,name,note\n1,"Say ""hi""",\n\n2,"multi\nline",x\n3,only-two\n', 'f.csv', options);
  assert.equal(parsed.records, [{ id: '1', name: 'Say "hi"', note: null }, { id: '2', name: 'multi\nline', note: 'x' }]);
  assert.equal(parsed.lines, [2, 4]);
  assert.equal(parsed.rejects, [{ origin: 'f.csv', line: 6, reason: 'has 2 fields, the header has 3', text: '3,only-two', fields: { id: '3', name: 'only-two' } }], 'a short row keeps the fields it has, by position');
});

csv('skip_lines, explicit columns and another delimiter', () => {
  const parsed = parseCsvFile('Bank export 2026\na;b\n', 'f.csv', { ...options, delimiter: ';', skip_lines: 1, header: false, columns: ['left', 'right'] });
  assert.equal(parsed.records, [{ left: 'a', right: 'b' }]);
  assert.equal(parsed.lines, [2]);
});

csv('an unclosed quote or a duplicate header rejects the whole file, naming file and line', () => {
  for (const [text, line, words] of [
    ['id,name\n1,"open\n2,b\n', 3, 'not valid CSV (CSV_QUOTE_NOT_CLOSED'],
    ['id,id\n1,2\n', 1, 'names column "id" twice'],
  ] as const) {
    try {
      parseCsvFile(text, 'bad.csv', options);
      assert.unreachable('should reject the file');
    } catch (error) {
      assert.instance(error, ValidationError);
      assert.is((error as ValidationError).code, 'files.bad_file');
      assert.match((error as Error).message, `bad.csv line ${line}`);
      assert.match((error as Error).message, words);
    }
  }
});

csv('a header without a column the metadata reads refuses the file, naming the columns, the header and the delimiter to set', () => {
  const refused = (text: string, required: string[]): ValidationError => {
    try {
      parseCsvFile(text, 'bad.csv', { ...options, required });
    } catch (error) {
      assert.instance(error, ValidationError);
      return error as ValidationError;
    }
    throw new Error('should refuse the file');
  };
  const renamed = refused('txid,amt,memo\n1,2,x\n', ['id', 'amount', 'memo']);
  assert.is(renamed.code, 'files.header_mismatch');
  assert.match(renamed.message, 'bad.csv line 1: the header is missing id, amount (the header has: txid, amt, memo)');
  assert.match(refused('id;amount\n1;2\n', ['id', 'amount']).message, 'set extract.delimiter: ";"');
  assert.equal(parseCsvFile('id,amount,extra\n1,2,3\n', 'ok.csv', { ...options, required: ['id', 'amount'] }).records, [{ id: '1', amount: '2', extra: '3' }], 'columns beyond the mapped ones are fine');
});

csv('an empty file and a file of NUL bytes are refused whole; without a header an empty file is just empty', () => {
  for (const [text, words] of [['', 'is empty: it has no header row'], ['\0\0\0\0', 'contains NUL bytes']] as const) {
    try {
      parseCsvFile(text, 'bad.csv', options);
      assert.unreachable('should refuse the file');
    } catch (error) {
      assert.is((error as ValidationError).code, 'files.bad_file');
      assert.match((error as Error).message, words);
    }
  }
  assert.equal(parseCsvFile('', 'none.csv', { ...options, header: false, columns: ['id'] }).records, []);
});

csv.run();
