import { z } from 'zod';

import { loadBronze, type LoadedSlice } from './loadBronze.ts';
import { ValidationError } from '#platform/errors.ts';
import { applyRetention } from './applyRetention.ts';
import { recordRawUsage } from './recordRawUsage.ts';
import { createLogger, type Logger } from '#platform/log.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { StepRunner } from '#pipeline/steps.ts';
import { loadDatasetStepRun } from '#pipeline/loadDatasetStepRun.ts';
import type { DatasetStepRun } from '#pipeline/loadDatasetStepRun.ts';

const checkpointSchema = z.strictObject({ nextPart: z.number().int().min(0), offset: z.number().int().min(0).optional() });

/** Milliseconds kept free at the end of the budget: a slice that starts just before the deadline still has to be written. */
const SLICE_RESERVE_MS = 3000;

export type CreateBronzeStepRunnerOptions = {
  /** Work done on each loaded slice in the same pass, for one run (awaited with the slice's inserts). */
  readonly alongside?: (run: DatasetStepRun, resources: FunctionResources, log: Logger) => (slice: LoadedSlice) => Promise<void>;
};

/**
 * Creates the bronze step: it loads the run's raw parts into the bronze collection `<source>__<dataset>`
 * (shared/bronze), slice by slice, handing each slice to `alongside` as it goes (the bronze function stages
 * the same records for silver there: shared/silver/runBronzeStepStagingSilver.ts); near the deadline it stops
 * with a checkpoint (the next part, and the record offset inside it).
 * Reloading is a no-op (loaded parts are marked, staged slices are recorded), so a redelivered chunk
 * changes nothing. When the run is loaded it applies the dataset's retention (older raw runs and bronze
 * documents; see applyRetention).
 * Counts: `read` records read from raw, `inserted` documents written, `unchanged` records already in bronze.
 */
export function createBronzeStepRunner(options: CreateBronzeStepRunnerOptions = {}): StepRunner<FunctionResources> {
  return async (context, resources) => {
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
      ...(options.alongside === undefined ? {} : { alongside: options.alongside(run, resources, log) }),
      log,
    });
    const counts = { read: result.read, inserted: result.inserted, unchanged: result.read - result.inserted };
    const detail = { collection: result.collection, files: result.files, skipped_files: result.skippedFiles };
    if (result.status === 'continue' && result.checkpoint !== null) {
      return { status: 'continue', checkpoint: result.checkpoint, counts, detail };
    }
    // Once a run is in bronze, what the dataset's retention allows to go goes: older raw runs and bronze documents.
    // Inside the step's budget: what does not fit goes after the next load.
    const retention = await applyRetention({ rawStore: resources.rawStore(), db: await resources.mongo(), dataset: run.ref, now: new Date(), deadline: context.deadline - SLICE_RESERVE_MS });
    await recordRawUsage(pool, run.raw.source, run.raw.dataset, retention.rawUsage);
    const removed =
      retention.rawRuns.length > 0 || retention.bronzeDocuments > 0 || retention.rawCompressed > 0 || !retention.complete
        ? { retention: { raw_runs_deleted: retention.rawRuns.length, raw_files_compressed: retention.rawCompressed, bronze_documents_deleted: retention.bronzeDocuments, complete: retention.complete } }
        : {};
    return { status: 'done', counts, detail: { ...detail, ...removed } };
  };
}

/** The bronze step on its own, without work alongside. */
export const runBronzeStep: StepRunner<FunctionResources> = createBronzeStepRunner();
