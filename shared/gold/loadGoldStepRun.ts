import type { CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import type { GoldModel } from '#metadata/schema.ts';
import type { StepRequest } from '#pipeline/steps.ts';
import { readStepRun } from '#pipeline/readStepRun.ts';

/** What the gold step needs to know about its run. */
export type GoldStepRun = {
  readonly runId: string;
  readonly model: GoldModel;
  /** The model's SQL as synced. */
  readonly sql: string;
  readonly metadataVersion: number | null;
};

/** Reads a gold run and its model (definition and SQL) from the metadata version the run recorded, else the current one. */
export async function loadGoldStepRun(db: CommonQueryMethods, request: StepRequest): Promise<GoldStepRun> {
  const run = await readStepRun(db, request, 'gold');
  const version = run.metadata_version ?? undefined;
  const catalog = await loadCatalog(db, version === undefined ? {} : { versionId: version });
  const model = catalog.metadata.models.find((candidate) => candidate.name === run.dataset);
  const text = model === undefined ? undefined : catalog.metadata.modelSql[model.name];
  if (model === undefined || text === undefined) {
    throw new NotFoundError('metadata.model_not_found', `Run ${run.run_id} names gold model \`${run.dataset}\`, which metadata version ${catalog.versionId} does not hold; check metadata/gold/models.yml and run \`dp metadata sync\`.`, { context: { runId: run.run_id, metadataVersion: catalog.versionId } });
  }
  return { runId: run.run_id, model, sql: text, metadataVersion: version ?? null };
}
