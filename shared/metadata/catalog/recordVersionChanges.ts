import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { CatalogChanges } from './catalogChanges.ts';

/** Stores on a version what it added, changed, retired and restored. */
export async function recordVersionChanges(
  db: CommonQueryMethods,
  versionId: number,
  changes: { readonly sources: CatalogChanges; readonly datasets: CatalogChanges; readonly models: CatalogChanges },
): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE platform.metadata_versions
    SET changes = ${sql.jsonb(changes)}
    WHERE version_id = ${versionId}`);
}
