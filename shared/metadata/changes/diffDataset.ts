import type { Column, Dataset, ScdKind } from '../schema.ts';

/**
 * One change of a dataset's definition that silver feels. `column_renamed` is a column that left and one
 * that came with the same `source` path: the same values under a new name.
 */
export type SchemaChange =
  | { readonly kind: 'column_added'; readonly column: string; readonly scd: ScdKind | 'key' }
  | { readonly kind: 'column_removed'; readonly column: string; readonly scd: ScdKind | 'key' }
  | { readonly kind: 'column_renamed'; readonly column: string; readonly from: string; readonly scd: ScdKind }
  | { readonly kind: 'column_retyped'; readonly column: string; readonly from: string; readonly to: string }
  | { readonly kind: 'scd_changed'; readonly column: string; readonly from: ScdKind; readonly to: ScdKind }
  | { readonly kind: 'source_changed'; readonly column: string; readonly from: string; readonly to: string; readonly scd: ScdKind }
  | { readonly kind: 'key_changed'; readonly from: readonly string[]; readonly to: readonly string[] }
  | { readonly kind: 'load_changed'; readonly from: Dataset['load']; readonly to: Dataset['load'] }
  | { readonly kind: 'deleted_flag_changed'; readonly from: string | null; readonly to: string | null };

const pathOf = (column: Column): string => column.source ?? column.name;

/** What changed between two definitions of a dataset, in the order a person reads them: key, load, columns. */
export function diffDataset(previous: Dataset, next: Dataset): SchemaChange[] {
  const changes: SchemaChange[] = [];
  if (previous.key.join(',') !== next.key.join(',')) changes.push({ kind: 'key_changed', from: previous.key, to: next.key });
  if (previous.load !== next.load) changes.push({ kind: 'load_changed', from: previous.load, to: next.load });
  if ((previous.deleted_flag ?? null) !== (next.deleted_flag ?? null)) changes.push({ kind: 'deleted_flag_changed', from: previous.deleted_flag ?? null, to: next.deleted_flag ?? null });

  const before = new Map(previous.columns.map((column) => [column.name, column]));
  const after = new Map(next.columns.map((column) => [column.name, column]));
  const keyBefore = new Set(previous.key);
  const keyAfter = new Set(next.key);
  const roleOf = (column: Column, key: Set<string>): ScdKind | 'key' => (key.has(column.name) ? 'key' : column.scd);
  const removed = previous.columns.filter((column) => !after.has(column.name));
  const added = next.columns.filter((column) => !before.has(column.name));
  const renamedFrom = new Map<string, Column>();
  for (const column of added) {
    const match = removed.find((old) => pathOf(old) === pathOf(column) && ![...renamedFrom.values()].includes(old));
    if (match !== undefined && !keyAfter.has(column.name)) renamedFrom.set(column.name, match);
  }
  const renamedOld = new Set([...renamedFrom.values()].map((column) => column.name));

  for (const column of next.columns) {
    const old = before.get(column.name);
    if (old === undefined) {
      const source = renamedFrom.get(column.name);
      if (source !== undefined) {
        changes.push({ kind: 'column_renamed', column: column.name, from: source.name, scd: column.scd });
        if (source.type !== column.type) changes.push({ kind: 'column_retyped', column: column.name, from: source.type, to: column.type });
      } else {
        changes.push({ kind: 'column_added', column: column.name, scd: roleOf(column, keyAfter) });
      }
      continue;
    }
    if (old.type !== column.type) changes.push({ kind: 'column_retyped', column: column.name, from: old.type, to: column.type });
    if (pathOf(old) !== pathOf(column)) changes.push({ kind: 'source_changed', column: column.name, from: pathOf(old), to: pathOf(column), scd: column.scd });
    if (!keyBefore.has(column.name) && !keyAfter.has(column.name) && old.scd !== column.scd) changes.push({ kind: 'scd_changed', column: column.name, from: old.scd, to: column.scd });
  }
  for (const column of removed) {
    if (!renamedOld.has(column.name)) changes.push({ kind: 'column_removed', column: column.name, scd: roleOf(column, keyBefore) });
  }
  return changes;
}
