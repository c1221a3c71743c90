import type { ColumnType } from '#metadata/schema.ts';
import { canonicalJson } from './canonicalJson.ts';

/**
 * A received value cast to a silver column type: `text` is the canonical text form that is both
 * hashed and written to Postgres (so equal values always hash equally), or null for SQL NULL.
 */
export type CastResult = { readonly ok: true; readonly text: string | null } | { readonly ok: false; readonly reason: string };

/** Why a value does not cast; a caster returns it instead of a text, so successful casts allocate nothing. */
export class CastRejection {
  readonly reason: string;

  constructor(reason: string) {
    this.reason = reason;
  }
}

/** Casts one received value: canonical text, null for SQL NULL, or a rejection. */
export type Caster = (value: unknown) => string | null | CastRejection;

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const CANONICAL_DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/;
const UTC_OFFSET = /^[+-]00(?::?00)?$/;
const UUID = /^\{?([0-9a-fA-F]{8})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{4})-?([0-9a-fA-F]{12})\}?$/;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function notWhole(value: unknown, type: string): CastRejection {
  return new CastRejection(`${describe(value)} is not a whole number, expected ${type}`);
}

function castInteger(value: unknown, type: 'integer' | 'bigint'): string | CastRejection {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return notWhole(value, type);
    if (!Number.isSafeInteger(value)) return new CastRejection(`${value} is beyond 2^53 and lost precision in JSON; send it as a string`);
    if (type === 'integer' && (value < -2_147_483_648 || value > 2_147_483_647)) return new CastRejection(`${value} is out of range for integer`);
    return String(value);
  }
  if (typeof value !== 'string') return notWhole(value, type);
  const digits = value.trim();
  if (!INTEGER.test(digits)) return notWhole(value, type);
  if (digits.length <= 15) {
    const number = Number(digits);
    if (type === 'integer' && (number < -2_147_483_648 || number > 2_147_483_647)) return new CastRejection(`${digits} is out of range for integer`);
    return String(number);
  }
  const parsed = BigInt(digits);
  if (type === 'integer' || parsed < INT8_MIN || parsed > INT8_MAX) return new CastRejection(`${digits} is out of range for ${type}`);
  return parsed.toString();
}

/** Normalises a decimal: no leading zeros, no trailing fractional zeros, `-0` → `0`, so 1.50 and 1.5 are equal. */
function castNumeric(value: unknown): string | CastRejection {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? String(value) : new CastRejection(`${value} is not a finite number, expected numeric`);
  }
  if (typeof value === 'string' && CANONICAL_DECIMAL.test(value) && value !== '-0') return value;
  const match = typeof value === 'string' ? DECIMAL.exec(value.trim()) : null;
  if (match === null || (match[2] === '' && (match[3] ?? '') === '')) {
    return new CastRejection(`${describe(value)} is not a decimal number, expected numeric`);
  }
  const [, sign = '', whole = '', fraction = '', exponent] = match;
  const integerPart = whole.replace(/^0+(?=\d)/, '') || '0';
  const fractionPart = fraction.replace(/0+$/, '');
  let text = fractionPart === '' ? integerPart : `${integerPart}.${fractionPart}`;
  if (exponent !== undefined) text = `${text}e${Number(exponent)}`;
  const isZero = /^0(\.0*)?(e.*)?$/.test(text);
  return sign === '-' && !isZero ? `-${text}` : text;
}

function castDouble(value: unknown): string | CastRejection {
  const number = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL.test(value.trim()) && /\d/.test(value) ? Number(value.trim()) : Number.NaN;
  return Number.isFinite(number) ? String(number) : new CastRejection(`${describe(value)} is not a finite number, expected double precision`);
}

function castBoolean(value: unknown): string | CastRejection {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value === 1 || value === 0) return value === 1 ? 'true' : 'false';
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return 'true';
    if (FALSE_WORDS.has(word)) return 'false';
  }
  return new CastRejection(`${describe(value)} is not a boolean (true/false, yes/no, 1/0)`);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0);
}

/** The number written by `length` ASCII digits of `text` from `start`, or -1 when one is not a digit. */
function digitsAt(text: string, start: number, length: number): number {
  let number = 0;
  for (let index = start; index < start + length; index += 1) {
    const digit = text.charCodeAt(index) - 48;
    if (digit < 0 || digit > 9) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/** True when `text` starts with `YYYY-MM-DD` that is a calendar date (the common case, checked without a regex). */
function startsWithCalendarDate(text: string): boolean {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  return year >= 0 && month >= 0 && day >= 0 && isCalendarDate(year, month, day);
}

function castDate(value: unknown): string | CastRejection {
  if (typeof value === 'string' && value.length === 10 && startsWithCalendarDate(value)) return value;
  const match = typeof value === 'string' ? DATE.exec(value.trim()) : null;
  if (match === null || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    return new CastRejection(`${describe(value)} is not a date, expected YYYY-MM-DD`);
  }
  return match[0];
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

function notTimestamp(value: unknown): CastRejection {
  return new CastRejection(`${describe(value)} is not an ISO 8601 timestamp (2026-03-01T12:00:00Z)`);
}

/**
 * The common UTC forms `YYYY-MM-DDTHH:MM:SSZ` and `YYYY-MM-DDTHH:MM:SS.ffffffZ`, cast without the
 * regex (same result as the general path); undefined for anything else, which takes the general path.
 */
function canonicalUtcTimestamp(text: string): string | undefined {
  const length = text.length;
  if (length !== 20 && length !== 27) return undefined;
  const separator = text.charCodeAt(10);
  const zone = text.charCodeAt(length - 1);
  if ((separator !== 84 && separator !== 116 && separator !== 32) || (zone !== 90 && zone !== 122)) return undefined; // T t space; Z z
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58 || !startsWithCalendarDate(text)) return undefined;
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  if (length === 20) return `${text.slice(0, 10)}T${text.slice(11, 19)}.000000Z`;
  if (text.charCodeAt(19) !== 46 || digitsAt(text, 20, 6) < 0) return undefined;
  return separator === 84 && zone === 90 ? text : `${text.slice(0, 10)}T${text.slice(11, 26)}Z`;
}

/** ISO 8601 with an offset (no offset means UTC) → `YYYY-MM-DDTHH:MM:SS.ffffffZ`, microseconds kept. */
function castTimestamp(value: unknown): string | CastRejection {
  if (typeof value === 'string') {
    const fast = canonicalUtcTimestamp(value);
    if (fast !== undefined) return fast;
  }
  if (typeof value === 'number') return new CastRejection(`${value} is an epoch number (seconds or milliseconds?); send an ISO 8601 string`);
  const match = typeof value === 'string' ? TIMESTAMP.exec(value.trim()) : null;
  if (match === null) return notTimestamp(value);
  const [, y = '', mo = '', d = '', h = '00', mi = '00', s = '00', fraction = '', zone] = match;
  const [year, month, day, hour, minute, second] = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return notTimestamp(value);
  const micros = fraction.length === 6 ? fraction : fraction.padEnd(6, '0').slice(0, 6);
  if (zone === undefined || zone === 'Z' || zone === 'z' || UTC_OFFSET.test(zone)) {
    return `${y}-${mo}-${d}T${h}:${mi}:${s}.${micros}Z`;
  }
  const digits = zone.replace(':', '');
  const offsetMinutes = (digits.startsWith('-') ? -1 : 1) * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5) || '0'));
  const local = new Date(Date.UTC(2000, 0, 1, hour, minute, second));
  local.setUTCFullYear(year, month - 1, day); // Date.UTC maps years below 100 to 19xx
  const utc = new Date(local.getTime() - offsetMinutes * 60_000);
  if (utc.getUTCFullYear() < 1 || utc.getUTCFullYear() > 9999) return notTimestamp(value);
  return `${pad(utc.getUTCFullYear(), 4)}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}T${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}.${micros}Z`;
}

function castUuid(value: unknown): string | CastRejection {
  const match = typeof value === 'string' ? UUID.exec(value.trim()) : null;
  return match === null ? new CastRejection(`${describe(value)} is not a uuid`) : match.slice(1).join('-').toLowerCase();
}

function castJson(value: unknown): string | CastRejection {
  const text = canonicalJson(value);
  return text.includes('\\u0000') ? new CastRejection('contains a NUL character (\\u0000), which Postgres jsonb cannot store') : text;
}

function castText(value: unknown): string | CastRejection {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  if (text === undefined) return new CastRejection(`${describe(value)} is not text; declare the column as jsonb to keep structured values`);
  return text.includes('\u0000') ? new CastRejection('contains a NUL character, which Postgres text cannot store') : text;
}

const CAST_BY_TYPE: Readonly<Record<Exclude<ColumnType, 'text' | 'jsonb'>, (value: unknown) => string | CastRejection>> = {
  integer: (value) => castInteger(value, 'integer'),
  bigint: (value) => castInteger(value, 'bigint'),
  numeric: castNumeric,
  'double precision': castDouble,
  boolean: castBoolean,
  date: castDate,
  timestamptz: castTimestamp,
  uuid: castUuid,
};

/**
 * The caster of a column type. Missing values (`undefined`, `null`) and, for non-text types,
 * empty strings become NULL; anything else that does not fit is a rejection with a reason meant
 * for the rejects table.
 */
export function createCaster(type: ColumnType): Caster {
  if (type === 'text') return (value) => (value === undefined || value === null ? null : castText(value));
  if (type === 'jsonb') return (value) => (value === undefined || value === null ? null : castJson(value));
  const cast = CAST_BY_TYPE[type];
  return (value) => (value === undefined || value === null || (typeof value === 'string' && value.trim() === '') ? null : cast(value));
}

const CASTERS = new Map<ColumnType, Caster>();

/** Casts a received value to a column type (see createCaster). */
export function castValue(type: ColumnType, value: unknown): CastResult {
  let caster = CASTERS.get(type);
  if (caster === undefined) {
    caster = createCaster(type);
    CASTERS.set(type, caster);
  }
  const result = caster(value);
  return result instanceof CastRejection ? { ok: false, reason: result.reason } : { ok: true, text: result };
}
