import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { goldModelSchema, sourceSchema, type MetadataSet } from '../schema.ts';

const versionContentRow = z.object({
  version_id: z.bigint().transform(Number),
  hash: z.string(),
  synced_at: z.date(),
  content: z.object({
    sources: z.array(sourceSchema),
    models: z.array(goldModelSchema),
    modelSql: z.record(z.string(), z.string()),
  }),
});

export type Catalog = {
  /** The metadata version read; a run records it as `metadata_version`. */
  readonly versionId: number;
  readonly hash: string;
  readonly syncedAt: Date;
  /** The metadata of that version, parsed by the same schemas as the YAML files. */
  readonly metadata: MetadataSet;
};

/**
 * Reads the metadata the platform runs on: the newest synced version, or the version `versionId` (the one a
 * run recorded). Throws `metadata.not_synced` before the first sync and `metadata.version_not_found` for an unknown id.
 */
export async function loadCatalog(db: CommonQueryMethods, options: { readonly versionId?: number } = {}): Promise<Catalog> {
  const row = await db.maybeOne(sql.type(versionContentRow)`
    SELECT version_id, hash, synced_at, content
    FROM platform.metadata_versions
    ${options.versionId === undefined ? sql.fragment`` : sql.fragment`WHERE version_id = ${options.versionId}`}
    ORDER BY version_id DESC
    LIMIT 1`);
  if (row === null) {
    throw options.versionId === undefined
      ? new NotFoundError('metadata.not_synced', 'The metadata catalog is empty; run `dp metadata sync` (or `dp up`) to load metadata/ into Postgres.')
      : new NotFoundError('metadata.version_not_found', `Metadata version ${options.versionId} does not exist; the run that names it belongs to another database.`, { context: { versionId: options.versionId } });
  }
  const { sources, models, modelSql } = row.content;
  return { versionId: row.version_id, hash: row.hash, syncedAt: row.synced_at, metadata: { sources, models, modelSql, hash: row.hash } };
}
