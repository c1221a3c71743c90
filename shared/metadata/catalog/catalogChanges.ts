/** How one sync changed the sources, datasets or models of the catalog (names, sorted). */
export type CatalogChanges = {
  readonly added: readonly string[];
  readonly changed: readonly string[];
  readonly retired: readonly string[];
  readonly restored: readonly string[];
};

export type ChangeKind = 'added' | 'changed' | 'unchanged' | 'restored';

/** Groups per-item change rows (and the names retired) into CatalogChanges. */
export function toCatalogChanges(rows: readonly { readonly name: string; readonly change: ChangeKind }[], retired: readonly string[]): CatalogChanges {
  const pick = (kind: ChangeKind): string[] => rows.filter((row) => row.change === kind).map((row) => row.name).sort();
  return { added: pick('added'), changed: pick('changed'), retired: [...retired].sort(), restored: pick('restored') };
}
