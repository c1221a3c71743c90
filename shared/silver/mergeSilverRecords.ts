import { getRun } from '#pipeline/runs/getRun.ts';
import { recordStepResult } from '#pipeline/runs/recordStepResult.ts';
import { recordStepStart } from '#pipeline/runs/recordStepStart.ts';
import type { CopyIn } from '#platform/db/createCopyIn.ts';
import type { DatabasePool, DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { datasetTableName } from '#pipeline/records/datasetTableName.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { Logger } from '#platform/log.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { dropStagingTables, dropStaleStagingTables } from './dropStagingTables.ts';
import type { DeletionPolicy } from './guardDeletions.ts';
import { mergeStagedSilver, type SilverCounts, type SilverMergeResult as StagedMergeResult } from './mergeStagedSilver.ts';
import { stageSilverBatch, type SilverInput } from './stageSilverBatch.ts';

export type { SilverCounts };

export type MergeSilverRecordsOptions = {
  readonly pool: DatabasePool;
  /** COPY writer on the same database (createCopyIn). */
  readonly copyIn: CopyIn;
  readonly dataset: DatasetRef;
  /** The run being merged; it must exist in platform.runs. */
  readonly runId: string;
  /** The run's records in batches; `seq` is unique within the run and orders duplicates (the last wins). */
  readonly batches: AsyncIterable<readonly SilverInput[]>;
  /** Boundary to fix when the run has none yet (backfills, tests). Default: the transaction's start time. */
  readonly boundaryAt?: Date;
  /**
   * Whether the merge records its step in platform.run_steps itself: started, then its counts in the
   * merge transaction (so they commit with the data). Default: true. Pass false when the caller
   * (the step runtime) records the step.
   */
  readonly recordStep?: boolean;
  /** Step name and chunk recorded in platform.run_steps. Default: `silver`, 0. */
  readonly step?: string;
  readonly chunk?: number;
  /**
   * Runs inside the merge transaction after silver is written, before it commits: for writes that must
   * commit exactly with the data (the run's connector cursor). A failure rolls the merge back.
   */
  readonly beforeCommit?: (tx: DatabaseTransactionConnection) => Promise<void>;
  /**
   * Full loads: when a snapshot may delete absent keys (guardDeletions). Default: the dataset's
   * `max_delete_share`, not confirmed.
   */
  readonly deletions?: DeletionPolicy;
  /** Postgres work_mem for the merge transaction (the hash join and aggregate). Default: `64MB`. */
  readonly workMem?: string;
  readonly log?: Logger;
};

export type SilverMergeResult = Omit<StagedMergeResult, 'mergeMs'> & {
  /** Milliseconds spent mapping and staging (COPY), and in the merge transaction. */
  readonly timings: { readonly stageMs: number; readonly mergeMs: number };
};

/**
 * Merges a run's records into `silver.<source>__<dataset>` in one call: the records are mapped, hashed and
 * staged with COPY while streaming (stageSilverBatch), then merged in one transaction (mergeStagedSilver),
 * and the stage is dropped. Steps that span invocations stage with stageRunSlice instead. Merging the same
 * records again changes nothing.
 */
export async function mergeSilverRecords(options: MergeSilverRecordsOptions): Promise<SilverMergeResult> {
  const { pool, runId } = options;
  const plan = resolveDatasetColumns(options.dataset);
  const table = datasetTableName(plan.source, plan.dataset);
  const step = { runId, step: options.step ?? 'silver', chunk: options.chunk ?? 0 };
  if ((await getRun(pool, runId)) === null) {
    throw new NotFoundError('silver.run_missing', `Run ${runId} does not exist in platform.runs; create the run (createRun) before merging ${plan.source}.${plan.dataset}.`, { context: { runId } });
  }
  const recordStep = options.recordStep ?? true;
  if (recordStep) await recordStepStart(pool, step);
  await dropStaleStagingTables(pool);
  const started = Date.now();
  let stagedTables: readonly string[] = [];
  try {
    const staged = await stageSilverBatch({ pool, copyIn: options.copyIn, plan, batches: options.batches });
    stagedTables = [staged.stageTable, staged.rejectsTable];
    const stageMs = Date.now() - started;
    const result = await mergeStagedSilver({
      pool,
      plan,
      runId,
      staged: { ...staged, searchAllDuplicates: false },
      deletions: { maxShare: options.dataset.dataset.max_delete_share, ...options.deletions },
      ...(options.boundaryAt === undefined ? {} : { boundaryAt: options.boundaryAt }),
      ...(recordStep ? { recordStep: { step: step.step, chunk: step.chunk, startedAt: started, detail: { stage_ms: stageMs } } } : {}),
      ...(options.beforeCommit === undefined ? {} : { beforeCommit: options.beforeCommit }),
      ...(options.workMem === undefined ? {} : { workMem: options.workMem }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    const { mergeMs, ...rest } = result;
    return { ...rest, timings: { stageMs, mergeMs } };
  } catch (error) {
    if (recordStep) await recordStepResult(pool, { ...step, status: 'failed', error }).catch(() => undefined);
    options.log?.error('silver.failed', { run_id: runId, table, error });
    throw error;
  } finally {
    await dropStagingTables(pool, stagedTables).catch(() => undefined);
  }
}
