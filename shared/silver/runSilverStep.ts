import { bronzeFiles } from '#bronze/bronzeFiles.ts';
import { listRunParts } from '#bronze/loadBronze.ts';
import { ConflictError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import { lockRun } from '#pipeline/runStore/lockRun.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { StepOutcomeInput, StepRunner } from '#pipeline/steps.ts';
import { loadDatasetStepRun } from '#pipeline/loadDatasetStepRun.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { dropEndedRunStaging } from './dropRunStaging.ts';
import { mergeStagedSilver, type StagedMergeResult } from './mergeStagedSilver.ts';
import { openRunStaging } from './openRunStaging.ts';
import { stageRunFromRaw } from './stageRunFromRaw.ts';

/** What the silver step reports once merged: the merge's counts, and its facts in `detail`. */
function outcomeOf(merged: StagedMergeResult, staging: Readonly<Record<string, unknown>>): StepOutcomeInput {
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
      merge_ms: merged.mergeMs,
      ...staging,
    },
  };
}

/**
 * What the merge transaction is allowed per staged row when deciding whether it still fits this invocation
 * (measured: 4–6 µs per row on a 2-core machine; this keeps a wide margin). Below `MERGE_FLOOR_MS` the floor applies.
 */
const MERGE_MS_PER_ROW = 0.015;
const MERGE_FLOOR_MS = 5000;

/**
 * The silver step: merges the run's records into `silver.<source>__<dataset>` (shared/silver: SCD1/SCD2,
 * one transaction at the run's boundary timestamp). The records come from the run's staging, which the
 * bronze step fills in its own pass; whatever it did not stage (an older run, a gap) this step stages from
 * the run's raw parts, across as many invocations as it takes (`continue`, with the staging position as
 * checkpoint). The merge itself runs in one invocation, started only when it fits the time left, and drops
 * the staging in its transaction. The step's outcome is recorded in that same transaction
 * (`recordOutcome`), so a chunk redelivered after the commit replays its counts instead of merging again.
 * The merge commits under the run's lock: a run cancelled meanwhile gets no merge. The dataset's cursor is
 * not touched here: it moves when the run succeeds.
 */
export const runSilverStep: StepRunner<FunctionResources> = async (context, resources) => {
  const pool = await resources.pool();
  const run = await loadDatasetStepRun(pool, context.request);
  const log = createLogger().child({ run_id: run.runId, source: run.raw.source, dataset: run.raw.dataset, chunk: context.request.chunk });
  await dropEndedRunStaging(pool);
  const plan = resolveDatasetColumns(run.ref);
  if (plan.load === 'full') {
    // An empty full snapshot deletes every key; make sure it really was delivered empty, and that the
    // run's bronze was not purged by retention or never loaded.
    const files = await bronzeFiles(await resources.mongo())
      .countDocuments({ run_id: run.runId, source: plan.source, dataset: plan.dataset })
      .catch((error: unknown) => {
        throw translateMongoError(error);
      });
    if (files === 0) {
      throw new ConflictError('silver.bronze_missing', `Run ${run.runId} of ${plan.source}.${plan.dataset} has no loaded raw parts in bronze, and merging nothing as a full snapshot would delete every key. Load the run into bronze first (an empty snapshot is one empty part), or start a new run.`, { context: { runId: run.runId } });
    }
  }
  let staging = await openRunStaging(pool, run.runId, plan);
  const stagedBefore = staging.staged;
  if (!staging.complete) {
    const parts = await listRunParts(resources.rawStore(), { source: plan.source, dataset: plan.dataset, runId: run.runId, startedAt: run.raw.startedAt });
    staging = await stageRunFromRaw({ withCopy: resources.copyTransaction(), rawStore: resources.rawStore(), plan, staging, parts, deadline: context.deadline - MERGE_FLOOR_MS, log });
  }
  const stagingDetail = { staged_rows: staging.staged, staged_here: staging.staged - stagedBefore, staging_chunks: staging.chunks };
  const mergeNeedsMs = Math.max(MERGE_FLOOR_MS, staging.staged * MERGE_MS_PER_ROW);
  if (!staging.complete || (context.timeLeftMs() < mergeNeedsMs && staging.staged > stagedBefore)) {
    log.info('silver.continue', { ...stagingDetail, complete: staging.complete, time_left_ms: context.timeLeftMs() });
    return { status: 'continue', checkpoint: { staged: staging.next, complete: staging.complete }, detail: stagingDetail };
  }
  const merged = await mergeStagedSilver({
    pool,
    plan,
    runId: run.runId,
    staged: { ...staging, searchAllDuplicates: staging.chunks > 1 },
    dropRunStaging: true,
    deletions: { maxShare: run.ref.dataset.max_delete_share, accept: run.acceptDeletes },
    beforeCommit: async (tx, result) => {
      // Under the run's lock: a run cancelled while the batch was staged must not get its merge.
      const current = await lockRun(tx, run.runId);
      if (current === null || (current.status !== 'running' && current.status !== 'pending')) {
        throw new ConflictError('run.not_running', `Run ${run.runId} of ${run.raw.source}.${run.raw.dataset} is ${current?.status ?? 'gone'}${current?.error?.code === 'run.cancelled' ? ' (cancelled)' : ''}; the merge was rolled back.`, { context: { runId: run.runId } });
      }
      await context.recordOutcome(tx, outcomeOf(result, stagingDetail));
    },
    log,
  });
  return outcomeOf(merged, stagingDetail);
};
