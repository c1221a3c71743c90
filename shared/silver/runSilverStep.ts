import { commitCursor, type CommitCursorResult } from '#pipeline/cursor/commitCursor.ts';
import { createLogger } from '#platform/log.ts';
import { mergeSilver } from './mergeSilver.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { StepRunner } from '#pipeline/steps.ts';
import { loadDatasetStepRun } from '#pipeline/loadDatasetStepRun.ts';

/**
 * The silver step: merges the run's bronze documents into `silver.<source>__<dataset>` (shared/silver:
 * SCD1/SCD2, one transaction at the run's boundary timestamp). In that same transaction the run's
 * staged cursor becomes the dataset's cursor and the files it imported are marked committed
 * (`commitCursor`), so the cursor moves exactly when the data does. The step's counts are recorded
 * in the transaction too, so a redelivered chunk replays them instead of merging again.
 */
export const runSilverStep: StepRunner<FunctionResources> = async (context, resources) => {
  const pool = await resources.pool();
  const run = await loadDatasetStepRun(pool, context.request);
  let committed: CommitCursorResult = { cursorCommitted: false, filesCommitted: 0 };
  const result = await mergeSilver({
    pool,
    copyIn: resources.copyIn(),
    db: await resources.mongo(),
    dataset: run.ref,
    runId: run.runId,
    step: 'silver',
    chunk: context.request.chunk,
    deletions: { accept: run.acceptDeletes },
    beforeCommit: async (tx) => {
      committed = await commitCursor(tx, run.runId);
    },
    log: createLogger().child({ run_id: run.runId, source: run.raw.source, dataset: run.raw.dataset }),
  });
  return {
    status: 'done',
    counts: result.counts,
    detail: {
      table: `silver.${result.table}`,
      path: result.path,
      boundary_at: result.boundaryAt.toISOString(),
      duplicates: result.duplicates,
      created: result.created,
      added_columns: [...result.addedColumns],
      stage_ms: result.timings.stageMs,
      merge_ms: result.timings.mergeMs,
      cursor_committed: committed.cursorCommitted,
      files_committed: committed.filesCommitted,
    },
  };
};
