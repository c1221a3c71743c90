import { z } from 'zod';

import { sql, type CommonQueryMethods } from '../../db/sql.ts';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { getDataset } from '../../metadata/catalog/getDataset.ts';
import { loadCatalog } from '../../metadata/catalog/loadCatalog.ts';
import type { DatasetRef, GoldModel } from '../../metadata/schema.ts';
import type { RawRunRef } from '../../raw/rawStore.ts';
import type { StepRequest } from '../steps.ts';

const runRow = z.object({
  run_id: z.string(),
  kind: z.enum(['dataset', 'gold']),
  source: z.string(),
  dataset: z.string(),
  load: z.enum(['full', 'delta']).nullable(),
  trigger_detail: z.record(z.string(), z.unknown()),
  metadata_version: z.bigint().nullable(),
  created_at: z.date(),
});

/** What a dataset step needs to know about its run. */
export type DatasetStepRun = {
  readonly runId: string;
  readonly ref: DatasetRef;
  /** The run in the raw layer: its date folders come from the run's creation time, the same for every step. */
  readonly raw: RawRunRef;
  /** Reload everything, ignoring the committed cursor (`dp run --full`). */
  readonly full: boolean;
  /** The metadata version the definitions come from (null: the catalog's current one). */
  readonly metadataVersion: number | null;
};

/** What the gold step needs to know about its run. */
export type GoldStepRun = {
  readonly runId: string;
  readonly model: GoldModel;
  /** The model's SQL as synced. */
  readonly sql: string;
  readonly metadataVersion: number | null;
};

async function readRun(db: CommonQueryMethods, request: StepRequest, kind: 'dataset' | 'gold') {
  const run = await db.maybeOne(sql.type(runRow)`
    SELECT run_id, kind, source, dataset, load, trigger_detail, metadata_version, created_at
    FROM platform.runs WHERE run_id = ${request.runId}`);
  if (run === null) {
    throw new NotFoundError('run.not_found', `Run ${request.runId} does not exist; steps run only for runs the orchestrator started.`, { context: { runId: request.runId } });
  }
  if (run.kind !== kind) {
    throw new ValidationError('step.wrong_run_kind', `Run ${request.runId} is a ${run.kind} run, but this step works on ${kind} runs; dispatch ${run.kind === 'gold' ? 'the gold function' : 'the extract, bronze and silver functions'} for it.`, { context: { runId: request.runId } });
  }
  return run;
}

/**
 * Reads a dataset run and the dataset's definition: from the metadata version the run recorded
 * (so every step of a run works on the same definition, whatever was synced meanwhile), else from
 * the catalog's current version. `full` is true when the run's `trigger_detail.full` is true, or when
 * the run loads a delta dataset as `full`.
 */
export async function loadDatasetStepRun(db: CommonQueryMethods, request: StepRequest): Promise<DatasetStepRun> {
  const run = await readRun(db, request, 'dataset');
  const version = run.metadata_version === null ? null : Number(run.metadata_version);
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
    metadataVersion: version,
  };
}

/** Reads a gold run and its model (definition and SQL) from the metadata version the run recorded, else the current one. */
export async function loadGoldStepRun(db: CommonQueryMethods, request: StepRequest): Promise<GoldStepRun> {
  const run = await readRun(db, request, 'gold');
  const version = run.metadata_version === null ? undefined : Number(run.metadata_version);
  const catalog = await loadCatalog(db, version === undefined ? {} : { versionId: version });
  const model = catalog.metadata.models.find((candidate) => candidate.name === run.dataset);
  const text = model === undefined ? undefined : catalog.metadata.modelSql[model.name];
  if (model === undefined || text === undefined) {
    throw new NotFoundError('metadata.model_not_found', `Run ${run.run_id} names gold model \`${run.dataset}\`, which metadata version ${catalog.versionId} does not hold; check metadata/gold/models.yml and run \`dp metadata sync\`.`, { context: { runId: run.run_id, metadataVersion: catalog.versionId } });
  }
  return { runId: run.run_id, model, sql: text, metadataVersion: version ?? null };
}
