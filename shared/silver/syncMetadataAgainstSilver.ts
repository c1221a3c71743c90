import type { DatabasePool } from '#platform/db/sql.ts';
import { ConfigError } from '#platform/errors.ts';
import { syncMetadata, type SyncResult } from '#metadata/catalog/syncMetadata.ts';
import type { MetadataSet } from '#metadata/schema.ts';
import { describeSilverRetypes, findSilverRetypes, type SilverRetype } from './findSilverRetypes.ts';

export type SilverSyncResult = SyncResult & {
  /** Columns retyped against their existing silver table by this sync (accepted with `allowRetypes`). */
  readonly retypes: readonly SilverRetype[];
};

/**
 * `dp metadata sync`: syncMetadata, with the new metadata checked against the existing silver tables in the
 * same transaction. A column whose type would change under a silver table refuses the sync
 * (`metadata.column_retyped`, nothing written, naming the types and the replay path) unless `allowRetypes`;
 * accepted, the retypes are reported (the silver step refuses those datasets until they are rebuilt).
 */
export async function syncMetadataAgainstSilver(pool: DatabasePool, metadata: MetadataSet, options: { readonly allowRetypes?: boolean } = {}): Promise<SilverSyncResult> {
  let retypes: readonly SilverRetype[] = [];
  const result = await syncMetadata(pool, metadata, {
    beforeWrite: async (tx) => {
      retypes = await findSilverRetypes(tx, metadata.sources);
      if (retypes.length > 0 && options.allowRetypes !== true) {
        throw new ConfigError('metadata.column_retyped', `The metadata changes the type of a column silver already holds; nothing was synced. ${describeSilverRetypes(retypes)}`, { context: { retypes } });
      }
    },
  });
  return { ...result, retypes };
}
