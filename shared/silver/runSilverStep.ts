import { createLogger } from '#platform/log.ts';
import { mergeSilver } from './mergeSilver.ts';
import type { SilverMergeResult } from './mergeSilverRecords.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { StepOutcomeInput, StepRunner } from '#pipeline/steps.ts';
import { loadDatasetStepRun } from '#pipeline/loadDatasetStepRun.ts';

/** What the silver step reports: the merge's counts, and its facts in `detail`. */
function outcomeOf(merged: SilverMergeResult): StepOutcomeInput {
  return {
    status: 'done',
    counts: merged.counts,
    detail: {
      table: `silver.${merged.table}`,
      path: merged.path,
      boundary_at: merged.boundaryAt.toISOString(),
      duplicates: merged.duplicates,
      created: merged.created,
      added_columns: [...merged.addedColumns],
      stage_ms: merged.timings.stageMs,
      merge_ms: merged.timings.mergeMs,
    },
  };
}

/**
 * The silver step: merges the run's bronze documents into `silver.<source>__<dataset>` (shared/silver:
 * SCD1/SCD2, one transaction at the run's boundary timestamp). The step's outcome is recorded in that
 * same transaction (`recordOutcome`), so a chunk redelivered after the commit replays its counts instead
 * of merging again. The dataset's cursor is not touched here: it moves when the run succeeds.
 */
export const runSilverStep: StepRunner<FunctionResources> = async (context, resources) => {
  const pool = await resources.pool();
  const run = await loadDatasetStepRun(pool, context.request);
  const merged = await mergeSilver({
    pool,
    copyIn: resources.copyIn(),
    db: await resources.mongo(),
    dataset: run.ref,
    runId: run.runId,
    deletions: { accept: run.acceptDeletes },
    beforeCommit: (tx, result) => context.recordOutcome(tx, outcomeOf(result)),
    log: createLogger().child({ run_id: run.runId, source: run.raw.source, dataset: run.raw.dataset }),
  });
  return outcomeOf(merged);
};
