import { z } from 'zod';

import { loadBronze } from './loadBronze.ts';
import { createBronzePassStaging } from '#silver/createBronzePassStaging.ts';
import { ValidationError } from '#platform/errors.ts';
import { applyRetention } from './applyRetention.ts';
import { createLogger } from '#platform/log.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { StepRunner } from '#pipeline/steps.ts';
import { loadDatasetStepRun } from '#pipeline/loadDatasetStepRun.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';

const checkpointSchema = z.strictObject({ nextPart: z.number().int().min(0), offset: z.number().int().min(0).optional() });

/** Milliseconds kept free at the end of the budget: a slice that starts just before the deadline still has to be written. */
const SLICE_RESERVE_MS = 3000;

/**
 * The bronze step: loads the run's raw parts into the bronze collection `<source>__<dataset>`
 * (shared/bronze), slice by slice, and stages the same records for the run's silver merge in the same
 * pass; near the deadline it stops with a checkpoint (the next part, and the record offset inside it).
 * Reloading is a no-op (loaded parts are marked, staged slices are recorded), so a redelivered chunk
 * changes nothing. When the run is loaded it applies the dataset's retention (older raw runs and bronze
 * documents; see applyRetention).
 * Counts: `read` records read from raw, `inserted` documents written, `unchanged` records already in bronze.
 */
export const runBronzeStep: StepRunner<FunctionResources> = async (context, resources) => {
  const pool = await resources.pool();
  const run = await loadDatasetStepRun(pool, context.request);
  const parsed = context.request.checkpoint === undefined || context.request.checkpoint === null ? undefined : checkpointSchema.safeParse(context.request.checkpoint);
  if (parsed !== undefined && !parsed.success) {
    throw new ValidationError('bronze.bad_checkpoint', `The bronze checkpoint of run ${run.runId} is not one the bronze step wrote (${parsed.error.issues[0]?.message}); dispatch chunk 0 again, reloading is a no-op.`, { context: { runId: run.runId } });
  }
  const log = createLogger().child({ run_id: run.runId, source: run.raw.source, dataset: run.raw.dataset, chunk: context.request.chunk });
  const result = await loadBronze({
    rawStore: resources.rawStore(),
    db: await resources.mongo(),
    dataset: run.ref,
    run: { runId: run.runId, startedAt: run.raw.startedAt },
    checkpoint: parsed?.data ?? null,
    deadline: context.deadline - SLICE_RESERVE_MS,
    alongside: createBronzePassStaging({ pool, withCopy: resources.copyTransaction(), plan: resolveDatasetColumns(run.ref), runId: run.runId, log }),
    log,
  });
  const counts = { read: result.read, inserted: result.inserted, unchanged: result.read - result.inserted };
  const detail = { collection: result.collection, files: result.files, skipped_files: result.skippedFiles };
  if (result.status === 'continue' && result.checkpoint !== null) {
    return { status: 'continue', checkpoint: result.checkpoint, counts, detail };
  }
  // Once a run is in bronze, what the dataset's retention allows to go goes: older raw runs and bronze documents.
  const retention = await applyRetention({ rawStore: resources.rawStore(), db: await resources.mongo(), dataset: run.ref, now: new Date() });
  const removed = retention.rawRuns.length > 0 || retention.bronzeDocuments > 0 ? { retention: { raw_runs_deleted: retention.rawRuns.length, bronze_documents_deleted: retention.bronzeDocuments } } : {};
  return { status: 'done', counts, detail: { ...detail, ...removed } };
};
