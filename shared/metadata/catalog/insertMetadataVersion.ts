import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const insertedRow = z.object({ version_id: z.bigint().transform(Number), synced_at: z.date() });

/** Adds a metadata version holding the whole parsed content; returns its id and time. */
export async function insertMetadataVersion(db: CommonQueryMethods, hash: string, content: object): Promise<{ versionId: number; syncedAt: Date }> {
  const row = await db.one(sql.type(insertedRow)`
    INSERT INTO platform.metadata_versions (hash, content)
    VALUES (${hash}, ${sql.jsonb(content)})
    RETURNING version_id, synced_at`);
  return { versionId: row.version_id, syncedAt: row.synced_at };
}
