import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const versionRow = z.object({
  version_id: z.bigint().transform(Number),
  hash: z.string(),
  synced_at: z.date(),
});

export type MetadataVersionRow = { readonly versionId: number; readonly hash: string; readonly syncedAt: Date };

/** The newest metadata version (id, hash, time), or null before the first sync. */
export async function getCurrentMetadataVersion(db: CommonQueryMethods): Promise<MetadataVersionRow | null> {
  const row = await db.maybeOne(sql.type(versionRow)`
    SELECT version_id, hash, synced_at
    FROM platform.metadata_versions
    ORDER BY version_id DESC
    LIMIT 1`);
  return row === null ? null : { versionId: row.version_id, hash: row.hash, syncedAt: row.synced_at };
}
