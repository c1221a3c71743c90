import { castValue } from './castValue.ts';
import { hash128, hexToUuid } from './hash128.ts';
import { readSourcePath } from './readSourcePath.ts';
import type { ResolvedColumn } from './resolveDatasetColumns.ts';

export type KeyHashResult =
  | {
      readonly ok: true;
      /** 32 hex digits; `hexToUuid` gives the stored form. */
      readonly hex: string;
      /** The key's canonical values, in key order (what was hashed). */
      readonly values: readonly string[];
    }
  | { readonly ok: false; readonly column: string; readonly value: unknown; readonly reason: string };

/**
 * The key text that is hashed: a JSON array of the key columns' canonical values in key order,
 * e.g. `["42"]` or `["2026-03-01","acc-1"]`. In SQL: `md5('["42"]')::uuid` is that key's hash.
 */
export function keyHashText(values: readonly string[]): string {
  return JSON.stringify(values);
}

/**
 * The 128-bit business-key hash of a received record, shared by bronze and silver: each key
 * column is read from its `source` path and cast to its type, so `42` and `"42"` in an integer key
 * are the same key. Fails (naming the column) when a key value is missing or does not cast.
 */
export function computeKeyHash(key: readonly ResolvedColumn[], record: unknown): KeyHashResult {
  const values: string[] = [];
  for (const column of key) {
    const value = readSourcePath(record, column.path);
    const cast = castValue(column.type, value);
    if (!cast.ok) return { ok: false, column: column.name, value, reason: `key ${cast.reason}` };
    if (cast.text === null) return { ok: false, column: column.name, value, reason: `key column \`${column.name}\` is missing (path \`${column.path}\`)` };
    values.push(cast.text);
  }
  return { ok: true, hex: hash128(keyHashText(values)), values };
}

/** The stored (uuid) form of a record's key hash, or null when the record has no usable key. */
export function keyHashUuid(key: readonly ResolvedColumn[], record: unknown): string | null {
  const result = computeKeyHash(key, record);
  return result.ok ? hexToUuid(result.hex) : null;
}
