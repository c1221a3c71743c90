import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { castValue } from '#pipeline/records/castValue.ts';
import type { ColumnType } from '#metadata/schema.ts';

const castsTo = (type: ColumnType, value: unknown, text: string | null): void => {
  assert.equal(castValue(type, value), { ok: true, text }, `${type} ${JSON.stringify(value)}`);
};
const rejects = (type: ColumnType, value: unknown, reason: RegExp): void => {
  const result = castValue(type, value);
  assert.is(result.ok, false, `${type} ${JSON.stringify(value)} should be rejected`);
  if (!result.ok) assert.match(result.reason, reason);
};

test('missing values are NULL; an empty string is NULL except for text', () => {
  for (const type of ['integer', 'numeric', 'date', 'timestamptz', 'boolean', 'uuid'] as const) {
    castsTo(type, undefined, null);
    castsTo(type, null, null);
    castsTo(type, '  ', null);
  }
  castsTo('text', '', '');
  castsTo('jsonb', null, null);
});

test('integers: numbers and digit strings, range-checked; fractions and floats beyond 2^53 are rejected', () => {
  castsTo('integer', 42, '42');
  castsTo('integer', ' 042 ', '42');
  castsTo('integer', '-0', '0');
  castsTo('bigint', '9223372036854775807', '9223372036854775807');
  castsTo('bigint', 9007199254740991, '9007199254740991');
  rejects('integer', 2147483648, /out of range for integer/);
  rejects('integer', '99999999999', /out of range for integer/);
  rejects('bigint', '9223372036854775808', /out of range for bigint/);
  rejects('integer', 1.5, /not a whole number, expected integer/);
  rejects('bigint', 2 ** 60, /lost precision in JSON; send it as a string/);
  rejects('integer', 'twelve', /string "twelve" is not a whole number/);
  rejects('integer', true, /not a whole number/);
});

test('numeric: exact decimal text, normalised so equal amounts hash equally', () => {
  castsTo('numeric', '100.50', '100.5');
  castsTo('numeric', '0007.000', '7');
  castsTo('numeric', '-0.00', '0');
  castsTo('numeric', '.5', '0.5');
  castsTo('numeric', '-12.340', '-12.34');
  castsTo('numeric', '1.5E3', '1.5e3');
  castsTo('numeric', 0.1, '0.1');
  castsTo('numeric', '12345678901234567890.123456789', '12345678901234567890.123456789');
  rejects('numeric', '12,50', /not a decimal number, expected numeric/);
  rejects('numeric', Number.NaN, /not a finite number/);
  rejects('numeric', { amount: 1 }, /an object is not a decimal number/);
});

test('double precision, boolean and uuid', () => {
  castsTo('double precision', '1e3', '1000');
  castsTo('double precision', 0.30000000000000004, '0.30000000000000004');
  rejects('double precision', 'Infinity', /not a finite number/);
  castsTo('boolean', 'Yes', 'true');
  castsTo('boolean', 0, 'false');
  castsTo('boolean', 'f', 'false');
  rejects('boolean', 'maybe', /not a boolean/);
  castsTo('uuid', '{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  castsTo('uuid', 'a0eebc999c0b4ef8bb6d6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  rejects('uuid', 'a0eebc99', /not a uuid/);
});

test('dates must be real calendar dates in YYYY-MM-DD', () => {
  castsTo('date', '2024-02-29', '2024-02-29');
  rejects('date', '2023-02-29', /not a date, expected YYYY-MM-DD/);
  rejects('date', '2026-13-01', /not a date/);
  rejects('date', '01/03/2026', /not a date/);
});

test('timestamps: ISO 8601 to UTC with microseconds; no offset means UTC; epoch numbers are refused', () => {
  castsTo('timestamptz', '2026-03-01T12:00:00Z', '2026-03-01T12:00:00.000000Z');
  castsTo('timestamptz', '2026-03-01 12:00', '2026-03-01T12:00:00.000000Z');
  castsTo('timestamptz', '2026-03-01T12:00:00.123456789+02:00', '2026-03-01T10:00:00.123456Z');
  castsTo('timestamptz', '2026-03-01T00:30:00-0100', '2026-03-01T01:30:00.000000Z');
  castsTo('timestamptz', '2026-03-01', '2026-03-01T00:00:00.000000Z');
  castsTo('timestamptz', '0050-01-01T00:00:00+01:00', '0049-12-31T23:00:00.000000Z');
  rejects('timestamptz', 1772366400, /epoch number .* send an ISO 8601 string/);
  rejects('timestamptz', '2026-03-01T25:00:00Z', /not an ISO 8601 timestamp/);
  rejects('timestamptz', 'yesterday', /not an ISO 8601 timestamp/);
});

test('the common UTC forms take a shortcut that casts exactly like the general path', () => {
  castsTo('timestamptz', '2026-03-01t12:00:00z', '2026-03-01T12:00:00.000000Z');
  castsTo('timestamptz', '2026-03-01 12:00:00.123456Z', '2026-03-01T12:00:00.123456Z');
  castsTo('timestamptz', '2026-03-01T12:00:00.123456Z', '2026-03-01T12:00:00.123456Z');
  castsTo('timestamptz', '2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000000Z');
  castsTo('timestamptz', ' 2026-03-01T12:00:00Z', '2026-03-01T12:00:00.000000Z');
  rejects('timestamptz', '2023-02-29T12:00:00Z', /not an ISO 8601 timestamp/);
  rejects('timestamptz', '2026-03-01T12:60:00Z', /not an ISO 8601 timestamp/);
  rejects('timestamptz', '2026-03-01T12:00:60.000000Z', /not an ISO 8601 timestamp/);
  rejects('timestamptz', '2026-03-01T12:00:00.12345xZ', /not an ISO 8601 timestamp/);
  rejects('timestamptz', '2026-03-01X12:00:00Z', /not an ISO 8601 timestamp/);
  rejects('date', '2026-0a-01', /not a date/);
  rejects('date', '2026-04-31', /not a date/);
  rejects('date', '2026/04/01', /not a date/);
});

test('text takes strings, numbers and booleans; objects belong in jsonb; NUL characters are refused', () => {
  castsTo('text', 'Bäckerei', 'Bäckerei');
  castsTo('text', 12.5, '12.5');
  castsTo('text', false, 'false');
  rejects('text', { a: 1 }, /an object is not text; declare the column as jsonb/);
  rejects('text', 'a\u0000b', /NUL character/);
});

test('jsonb keeps any JSON value with keys sorted, so key order does not count as a change', () => {
  castsTo('jsonb', { b: 1, a: [{ d: 2, c: 3 }] }, '{"a":[{"c":3,"d":2}],"b":1}');
  castsTo('jsonb', 'plain', '"plain"');
  rejects('jsonb', { text: 'a\u0000' }, /NUL character/);
});

test.run();
