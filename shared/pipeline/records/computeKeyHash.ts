import { CastRejection, createCaster } from './castValue.ts';
import { hash128, hexToUuid } from './hash128.ts';
import { createSourcePathReader } from './createSourcePathReader.ts';
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
 * Creates the business-key hasher of a dataset, shared by bronze and silver: each key column is
 * read from its `source` path and cast to its type (so `42` and `"42"` in an integer key are the
 * same key), and the canonical values are hashed to 128 bits. Fails, naming the column, when a key
 * value is missing or does not cast.
 */
export function createKeyHasher(key: readonly ResolvedColumn[]): (record: unknown) => KeyHashResult {
  const casters = key.map((column) => ({ column, cast: createCaster(column.type), read: createSourcePathReader(column.path) }));
  return (record) => {
    const values: string[] = [];
    for (const { column, cast, read } of casters) {
      const value = read(record);
      const text = cast(value);
      if (text instanceof CastRejection) return { ok: false, column: column.name, value, reason: `key ${text.reason}` };
      if (text === null) return { ok: false, column: column.name, value, reason: `key column \`${column.name}\` is missing (path \`${column.path}\`)` };
      values.push(text);
    }
    return { ok: true, hex: hash128(keyHashText(values)), values };
  };
}

/** The key hash of one record (see createKeyHasher). */
export function computeKeyHash(key: readonly ResolvedColumn[], record: unknown): KeyHashResult {
  return createKeyHasher(key)(record);
}

/** The stored (uuid) form of a record's key hash, or null when the record has no usable key. */
export function keyHashUuid(result: KeyHashResult): string | null {
  return result.ok ? hexToUuid(result.hex) : null;
}
