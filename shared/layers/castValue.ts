import type { ColumnType } from '../metadata/schema.ts';
import { canonicalJson } from './canonicalJson.ts';

/**
 * A received value cast to a silver column type: `text` is the canonical text form that is both
 * hashed and written to Postgres (so equal values always hash equally), or null for SQL NULL.
 */
export type CastResult = { readonly ok: true; readonly text: string | null } | { readonly ok: false; readonly reason: string };

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const UUID = /^\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})\}?$/;
const INT4_MIN = -(2n ** 31n);
const INT4_MAX = 2n ** 31n - 1n;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

const ok = (text: string | null): CastResult => ({ ok: true, text });
const fail = (reason: string): CastResult => ({ ok: false, reason });

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function castInteger(value: unknown, min: bigint, max: bigint, type: string): CastResult {
  let digits: string;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return fail(`${value} is not a whole number, expected ${type}`);
    if (!Number.isSafeInteger(value)) return fail(`${value} is beyond 2^53 and lost precision in JSON; send it as a string`);
    digits = String(value);
  } else if (typeof value === 'string' && INTEGER.test(value.trim())) {
    digits = value.trim();
  } else {
    return fail(`${describe(value)} is not a whole number, expected ${type}`);
  }
  const parsed = BigInt(digits);
  if (parsed < min || parsed > max) return fail(`${digits} is out of range for ${type}`);
  return ok(parsed.toString());
}

/** Normalises a decimal string: no leading zeros, no trailing fractional zeros, `-0` → `0`. */
function castNumeric(value: unknown): CastResult {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? ok(String(value)) : fail(`${value} is not a finite number, expected numeric`);
  }
  const match = typeof value === 'string' ? DECIMAL.exec(value.trim()) : null;
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) {
    return fail(`${describe(value)} is not a decimal number, expected numeric`);
  }
  const [, sign = '', whole = '', fraction = '', exponent] = match;
  const integerPart = whole.replace(/^0+(?=\d)/, '') || '0';
  const fractionPart = fraction.replace(/0+$/, '');
  let text = fractionPart === '' ? integerPart : `${integerPart}.${fractionPart}`;
  if (exponent !== undefined) text = `${text}e${Number(exponent)}`;
  const isZero = /^0(\.0*)?(e.*)?$/.test(text);
  return ok(sign === '-' && !isZero ? `-${text}` : text);
}

function castDouble(value: unknown): CastResult {
  const number = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value.trim()) && /\d/.test(value) ? Number(value.trim()) : Number.NaN;
  return Number.isFinite(number) ? ok(String(number)) : fail(`${describe(value)} is not a finite number, expected double precision`);
}

function castBoolean(value: unknown): CastResult {
  if (typeof value === 'boolean') return ok(value ? 'true' : 'false');
  if (value === 1 || value === 0) return ok(value === 1 ? 'true' : 'false');
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (['true', 't', 'yes', 'y', '1'].includes(word)) return ok('true');
    if (['false', 'f', 'no', 'n', '0'].includes(word)) return ok('false');
  }
  return fail(`${describe(value)} is not a boolean (true/false, yes/no, 1/0)`);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function castDate(value: unknown): CastResult {
  const match = typeof value === 'string' ? DATE.exec(value.trim()) : null;
  if (match === null || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    return fail(`${describe(value)} is not a date, expected YYYY-MM-DD`);
  }
  return ok(match[0]);
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** ISO 8601 with an offset (no offset means UTC) → `YYYY-MM-DDTHH:MM:SS.ffffffZ`, microseconds kept. */
function castTimestamp(value: unknown): CastResult {
  if (typeof value === 'number') return fail(`${value} is an epoch number (seconds or milliseconds?); send an ISO 8601 string`);
  const match = typeof value === 'string' ? TIMESTAMP.exec(value.trim()) : null;
  const reject = fail(`${describe(value)} is not an ISO 8601 timestamp (2026-03-01T12:00:00Z)`);
  if (match === null) return reject;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return reject;
  let offsetMinutes = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'));
  }
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000);
  const micros = fraction.padEnd(6, '0').slice(0, 6);
  return ok(`${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}T${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}.${micros}Z`);
}

function castUuid(value: unknown): CastResult {
  const match = typeof value === 'string' ? UUID.exec(value.trim()) : null;
  return match === null ? fail(`${describe(value)} is not a uuid`) : ok(match.slice(1).join('-').toLowerCase());
}

function castJson(value: unknown): CastResult {
  const text = canonicalJson(value);
  return text.includes('\\u0000') ? fail('contains a NUL character (\\u0000), which Postgres jsonb cannot store') : ok(text);
}

function castText(value: unknown): CastResult {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (text === undefined) return fail(`${describe(value)} is not text; declare the column as jsonb to keep structured values`);
  return text.includes('\u0000') ? fail('contains a NUL character, which Postgres text cannot store') : ok(text);
}

/**
 * Casts a received value to a column type. Missing values (`undefined`, `null`) and, for
 * non-text types, empty strings become NULL; anything else that does not fit is a failure
 * with a reason meant for the rejects table.
 */
export function castValue(type: ColumnType, value: unknown): CastResult {
  if (value === undefined || value === null) return ok(null);
  if (type === 'text') return castText(value);
  if (type === 'jsonb') return castJson(value);
  if (typeof value === 'string' && value.trim() === '') return ok(null);
  switch (type) {
    case 'integer':
      return castInteger(value, INT4_MIN, INT4_MAX, 'integer');
    case 'bigint':
      return castInteger(value, INT8_MIN, INT8_MAX, 'bigint');
    case 'numeric':
      return castNumeric(value);
    case 'double precision':
      return castDouble(value);
    case 'boolean':
      return castBoolean(value);
    case 'date':
      return castDate(value);
    case 'timestamptz':
      return castTimestamp(value);
    case 'uuid':
      return castUuid(value);
  }
}
