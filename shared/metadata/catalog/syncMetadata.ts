import { sql, type DatabasePool } from '#platform/db/sql.ts';
import type { DatabaseTransactionConnection } from '#platform/db/sql.ts';
import type { MetadataSet } from '../schema.ts';
import { toCatalogChanges, type CatalogChanges } from './catalogChanges.ts';
import { getCurrentMetadataVersion } from './getCurrentMetadataVersion.ts';
import { insertMetadataVersion } from './insertMetadataVersion.ts';
import { recordVersionChanges } from './recordVersionChanges.ts';
import { replaceColumns } from './replaceColumns.ts';
import { replaceModelDependencies } from './replaceModelDependencies.ts';
import { retireMissingDatasets } from './retireMissingDatasets.ts';
import { retireMissingGoldModels } from './retireMissingGoldModels.ts';
import { retireMissingSources } from './retireMissingSources.ts';
import { upsertDatasets } from './upsertDatasets.ts';
import { upsertGoldModels } from './upsertGoldModels.ts';
import { upsertSources } from './upsertSources.ts';

export type SyncResult = {
  /** The current metadata version after the sync (new, or the unchanged one). */
  readonly versionId: number;
  readonly hash: string;
  /** False when the content hash equalled the current version's: nothing was written. */
  readonly created: boolean;
  readonly syncedAt: Date;
  readonly sources: CatalogChanges;
  readonly datasets: CatalogChanges;
  readonly models: CatalogChanges;
};

export type SyncOptions = {
  /**
   * Runs in the sync's transaction, after the hash check and before anything is written: a check of the layers
   * against the new metadata (the silver retype check, syncMetadataAgainstSilver). Throwing refuses the sync.
   */
  readonly beforeWrite?: (tx: DatabaseTransactionConnection, metadata: MetadataSet) => Promise<void>;
};

const NO_CHANGES: CatalogChanges = { added: [], changed: [], retired: [], restored: [] };

/** Serialises concurrent syncs; the key is arbitrary but fixed. */
const SYNC_LOCK_KEY = 7_301_003;

/**
 * Writes a validated metadata set into the catalog in one transaction. Unchanged content (same hash as the
 * current version) writes nothing. Otherwise it adds a version, upserts sources, datasets, columns, models and
 * their dependencies, marks what disappeared as retired (data kept) and un-retires what came back.
 * `beforeWrite` checks the layers first (syncMetadataAgainstSilver refuses a column retyped under silver).
 */
export async function syncMetadata(pool: DatabasePool, metadata: MetadataSet, options: SyncOptions = {}): Promise<SyncResult> {
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(${SYNC_LOCK_KEY})`);
    const current = await getCurrentMetadataVersion(tx);
    if (current !== null && current.hash === metadata.hash) {
      return { versionId: current.versionId, hash: current.hash, created: false, syncedAt: current.syncedAt, sources: NO_CHANGES, datasets: NO_CHANGES, models: NO_CHANGES };
    }
    await options.beforeWrite?.(tx, metadata);
    const content = { sources: metadata.sources, models: metadata.models, modelSql: metadata.modelSql };
    const { versionId, syncedAt } = await insertMetadataVersion(tx, metadata.hash, content);

    const sourceRows = await upsertSources(tx, versionId, metadata.sources);
    const datasetRows = await upsertDatasets(tx, versionId, metadata.sources);
    await replaceColumns(tx, metadata.sources);
    const modelRows = await upsertGoldModels(tx, versionId, metadata.models, metadata.modelSql);
    await replaceModelDependencies(tx, metadata.models);

    const presentDatasets = metadata.sources.flatMap((source) => source.datasets.map((dataset) => `${source.source}.${dataset.name}`));
    const retiredDatasets = await retireMissingDatasets(tx, versionId, presentDatasets);
    const retiredSources = await retireMissingSources(tx, versionId, metadata.sources.map((source) => source.source));
    const retiredModels = await retireMissingGoldModels(tx, versionId, metadata.models.map((model) => model.name));

    const changes = {
      sources: toCatalogChanges(sourceRows, retiredSources),
      datasets: toCatalogChanges(datasetRows, retiredDatasets),
      models: toCatalogChanges(modelRows, retiredModels),
    };
    await recordVersionChanges(tx, versionId, changes);
    return { versionId, hash: metadata.hash, created: true, syncedAt, ...changes };
  });
}
