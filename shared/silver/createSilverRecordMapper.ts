import { CastRejection, createCaster } from '#pipeline/records/castValue.ts';
import { createKeyHasher, type KeyHashResult } from '#pipeline/records/computeKeyHash.ts';
import { hash128 } from '#pipeline/records/hash128.ts';
import { createSourcePathReader } from '#pipeline/records/createSourcePathReader.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';

/** One value that could not be used, as it goes to `platform.rejects`. */
export type RejectedValue = {
  readonly column: string;
  /** The received value as JSON text (truncated to 2000 characters), null when missing. */
  readonly value: string | null;
  readonly reason: string;
};

export type MappedRecord = {
  /** 32 hex digits; null when the key is missing or does not cast (the record cannot be placed). */
  readonly keyHash: string | null;
  /** The key's canonical values, for rejects. */
  readonly key: readonly string[] | null;
  /** Canonical text of every column in metadata order (null = SQL NULL); empty when rejected. */
  readonly values: readonly (string | null)[];
  readonly scd1Hash: string;
  readonly scd2Hash: string;
  /** The dataset's deleted flag is true on this record. */
  readonly deleted: boolean;
  /** Non-empty when the record is rejected: silver keeps the key's current version as it is. */
  readonly rejects: readonly RejectedValue[];
};

const MAX_VALUE_TEXT = 2000;
const NO_REJECTS: readonly RejectedValue[] = Object.freeze([]);

function valueText(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE_TEXT ? `${text.slice(0, MAX_VALUE_TEXT)}…` : text;
}

/**
 * Text that is hashed for a group of columns: `name=length:value;` for each non-null value, by
 * column name (length-prefixed, so no value can imitate a separator). Leaving NULLs out means adding
 * a column to the metadata does not change the hash of records without a value for it, so it opens
 * no new versions by itself.
 */
function groupHash(names: readonly string[], indexes: readonly number[], values: readonly (string | null)[]): string {
  let text = '';
  for (let position = 0; position < indexes.length; position += 1) {
    const value = values[indexes[position] as number];
    if (value !== null && value !== undefined) text += `${names[position] as string}=${value.length}:${value};`;
  }
  return hash128(text);
}

/**
 * Creates the function that turns a received record into what silver stages: canonical column
 * values, the key hash, the scd1 and scd2 hashes (computed here, while streaming, not in SQL) and
 * the deleted flag. Values that do not cast are collected as rejects instead of failing. A caller that has
 * the record's key hash already (same hasher, same record) passes it, and the key is not hashed twice.
 */
export function createSilverRecordMapper(plan: DatasetColumns): (record: unknown, key?: KeyHashResult) => MappedRecord {
  const groupOf = (kind: 1 | 2): { names: string[]; indexes: number[] } => {
    const members = plan.columns.map((column, index) => ({ column, index })).filter(({ column }) => column.role === kind).sort((a, b) => (a.column.name < b.column.name ? -1 : 1));
    return { names: members.map(({ column }) => column.name), indexes: members.map(({ index }) => index) };
  };
  const scd1 = groupOf(1);
  const scd2 = groupOf(2);
  const emptyHash = hash128('');
  const hashKey = createKeyHasher(plan.key);
  const columns = plan.columns.map((column) => ({ column, cast: createCaster(column.type), read: createSourcePathReader(column.path), keyIndex: plan.key.indexOf(column) }));
  const flagPath = plan.deletedFlagPath;
  const flagIsColumn = plan.columns.some((column) => column.path === flagPath);
  const castFlag = createCaster('boolean');
  const readFlag = flagPath === undefined ? undefined : createSourcePathReader(flagPath);

  return (record, knownKey) => {
    // Allocated only for a record that has a reject: most have none.
    let rejects: RejectedValue[] | undefined;
    const keyResult = knownKey ?? hashKey(record);
    if (!keyResult.ok) rejects = [{ column: keyResult.column, value: valueText(keyResult.value), reason: keyResult.reason }];
    const values: (string | null)[] = [];
    for (const { column, cast, read, keyIndex } of columns) {
      if (keyIndex >= 0) {
        values.push(keyResult.ok ? (keyResult.values[keyIndex] as string) : null);
        continue;
      }
      const value = read(record);
      const text = cast(value);
      if (text instanceof CastRejection) {
        (rejects ??= []).push({ column: column.name, value: valueText(value), reason: text.reason });
        values.push(null);
      } else {
        values.push(text);
      }
    }
    let deleted = false;
    if (flagPath !== undefined && readFlag !== undefined) {
      const value = readFlag(record);
      const flag = castFlag(value);
      if (flag instanceof CastRejection) {
        if (!flagIsColumn) (rejects ??= []).push({ column: flagPath, value: valueText(value), reason: `deleted flag ${flag.reason}` });
      } else {
        deleted = flag === 'true';
      }
    }
    const key = keyResult.ok ? keyResult.values : null;
    const keyHash = keyResult.ok ? keyResult.hex : null;
    if (rejects !== undefined) return { keyHash, key, values: [], scd1Hash: emptyHash, scd2Hash: emptyHash, deleted: false, rejects };
    return {
      keyHash,
      key,
      values,
      scd1Hash: scd1.indexes.length === 0 ? emptyHash : groupHash(scd1.names, scd1.indexes, values),
      scd2Hash: scd2.indexes.length === 0 ? emptyHash : groupHash(scd2.names, scd2.indexes, values),
      deleted,
      rejects: NO_REJECTS,
    };
  };
}
