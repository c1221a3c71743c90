import type { CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { getDataset } from '#metadata/catalog/getDataset.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { RawRunRef } from '#platform/raw/rawStore.ts';
import type { StepRequest } from './steps.ts';
import { readStepRun } from './readStepRun.ts';

/** What a dataset step needs to know about its run. */
export type DatasetStepRun = {
  readonly runId: string;
  readonly ref: DatasetRef;
  /** The run in the raw layer: its date folders come from the run's creation time, the same for every step. */
  readonly raw: RawRunRef;
  /** Reload everything, ignoring the committed cursor (`dp run --full`). */
  readonly full: boolean;
  /** A person confirmed that this full snapshot may delete any share of the rows (`dp run --accept-deletes`). */
  readonly acceptDeletes: boolean;
  /** The metadata version the definitions come from (null: the catalog's current one). */
  readonly metadataVersion: number | null;
};

/**
 * Reads a dataset run and the dataset's definition: from the metadata version the run recorded
 * (so every step of a run works on the same definition, whatever was synced meanwhile), else from
 * the catalog's current version. `full` is true when the run's `trigger_detail.full` is true, or when
 * the run loads a delta dataset as `full`; `acceptDeletes` when its `trigger_detail.accept_deletes` is true.
 */
export async function loadDatasetStepRun(db: CommonQueryMethods, request: StepRequest): Promise<DatasetStepRun> {
  const run = await readStepRun(db, request, 'dataset');
  const version = run.metadata_version;
  let ref: DatasetRef;
  if (version === null) {
    const found = await getDataset(db, run.source, run.dataset);
    ref = { source: found.source, dataset: found.dataset };
  } else {
    const catalog = await loadCatalog(db, { versionId: version });
    const source = catalog.metadata.sources.find((candidate) => candidate.source === run.source);
    const dataset = source?.datasets.find((candidate) => candidate.name === run.dataset);
    if (source === undefined || dataset === undefined) {
      throw new NotFoundError('metadata.dataset_not_found', `Run ${run.run_id} names dataset \`${run.source}.${run.dataset}\`, which metadata version ${version} does not hold; start a new run after \`dp metadata sync\`.`, { context: { runId: run.run_id, metadataVersion: version } });
    }
    ref = { source, dataset };
  }
  const full = run.trigger_detail.full === true || (run.load === 'full' && ref.dataset.load === 'delta');
  return {
    runId: run.run_id,
    ref,
    raw: { source: run.source, dataset: run.dataset, runId: run.run_id, startedAt: run.created_at },
    full,
    acceptDeletes: run.trigger_detail.accept_deletes === true,
    metadataVersion: version,
  };
}
