import { ConfigError } from '#platform/errors.ts';
import type { ColumnType, DatasetRef, ScdKind } from '#metadata/schema.ts';

/** A dataset column as the layers use it: where to read it and how it is historised. */
export type ResolvedColumn = {
  readonly name: string;
  readonly type: ColumnType;
  /** Dotted path in the received record. */
  readonly path: string;
  /** `key` for business-key columns, otherwise the column's scd kind. */
  readonly role: 'key' | ScdKind;
};

export type DatasetColumns = {
  readonly source: string;
  readonly dataset: string;
  readonly load: 'full' | 'delta';
  /** Every column, in metadata order. */
  readonly columns: readonly ResolvedColumn[];
  /** The key columns, in the order of `key`. */
  readonly key: readonly ResolvedColumn[];
  /** Where the deleted flag is read from (a declared column's path, or a field of that name), when the dataset has one. */
  readonly deletedFlagPath: string | undefined;
};

/**
 * Resolves a dataset's metadata into the column plan every layer uses. Throws a ConfigError
 * naming the dataset when a key column is not declared.
 */
export function resolveDatasetColumns(ref: DatasetRef): DatasetColumns {
  const { dataset } = ref;
  const where = `${ref.source.source}.${dataset.name}`;
  const keyNames = new Set(dataset.key);
  const columns = dataset.columns.map((column): ResolvedColumn => ({
    name: column.name,
    type: column.type,
    path: column.source ?? column.name,
    role: keyNames.has(column.name) ? 'key' : column.scd,
  }));
  const key = dataset.key.map((name) => {
    const column = columns.find((candidate) => candidate.name === name);
    if (column === undefined) {
      throw new ConfigError('layers.key_not_declared', `Dataset \`${where}\`: key column \`${name}\` is not in \`columns\`; declare it with a type.`, { context: { source: ref.source.source, dataset: dataset.name, column: name } });
    }
    return column;
  });
  const flag = dataset.deleted_flag;
  const deletedFlagPath = flag === undefined ? undefined : (columns.find((column) => column.name === flag)?.path ?? flag);
  return { source: ref.source.source, dataset: dataset.name, load: dataset.load, columns, key, deletedFlagPath };
}
