import { getRun } from '#pipeline/runStore/getRun.ts';
import type { CopyIn } from '#platform/db/createCopyIn.ts';
import type { DatabasePool, DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { Logger } from '#platform/log.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { dropStagingTables, dropStaleStagingTables } from './dropStagingTables.ts';
import type { DeletionPolicy } from './guardDeletions.ts';
import { mergeStagedSilver, type SilverCounts, type StagedMergeResult } from './mergeStagedSilver.ts';
import { stageSilverBatch, type SilverInput } from './stageSilverBatch.ts';

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
   * Runs inside the merge transaction after silver is written, before it commits, with what the merge did:
   * for writes that must commit exactly with the data (the silver step records its outcome there). A failure
   * rolls the merge back.
   */
  readonly beforeCommit?: (tx: DatabaseTransactionConnection, merged: SilverMergeResult) => Promise<void>;
  /**
   * Full loads: when a snapshot may delete absent keys (guardDeletions). Default: the dataset's
   * `max_delete_share`, not confirmed.
   */
  readonly deletions?: DeletionPolicy;
  /**
   * Where the merge writes: the silver table's schema and the rejects table. Default: `silver` and
   * `platform.rejects`. A replay rebuilds a dataset in schema `replay` with its own rejects table, and
   * swaps both in when every run is merged.
   */
  readonly into?: { readonly schema: string; readonly rejects: readonly [schema: string, table: string] };
  /** Postgres work_mem for the merge transaction (the hash join and aggregate). Default: `64MB`. */
  readonly workMem?: string;
  readonly log?: Logger;
};

export type { SilverCounts };

export type SilverMergeResult = StagedMergeResult & {
  /** Milliseconds spent mapping and staging (COPY), and in the merge transaction. */
  readonly timings: { readonly stageMs: number; readonly mergeMs: number };
};

/**
 * Merges a run's records into `silver.<source>__<dataset>` in one call: the records are mapped, hashed and
 * staged with COPY while streaming (stageSilverBatch), merged in ONE transaction at the run's boundary
 * (mergeStagedSilver: de-duplicate, one diff join, only changed keys written, rejects replaced, then
 * `beforeCommit`), and the stage is dropped. Steps that span invocations stage with stageRunSlice instead.
 * Merging the same records again changes nothing.
 */
export async function mergeSilverRecords(options: MergeSilverRecordsOptions): Promise<SilverMergeResult> {
  const { pool, runId } = options;
  const plan = resolveDatasetColumns(options.dataset);
  const table = datasetTableName(plan.source, plan.dataset);
  if ((await getRun(pool, runId)) === null) {
    throw new NotFoundError('silver.run_missing', `Run ${runId} does not exist in platform.runs; start the run (the orchestrator's insertActiveRun) before merging ${plan.source}.${plan.dataset}.`, { context: { runId } });
  }
  await dropStaleStagingTables(pool);
  const started = Date.now();
  let stagedTables: readonly string[] = [];
  try {
    const staged = await stageSilverBatch({ pool, copyIn: options.copyIn, plan, batches: options.batches });
    stagedTables = [staged.stageTable, staged.rejectsTable];
    const stageMs = Date.now() - started;
    const timings = (mergeMs: number) => ({ stageMs, mergeMs });
    const merged = await mergeStagedSilver({
      pool,
      plan,
      runId,
      staged: { ...staged, searchAllDuplicates: false },
      deletions: { maxShare: options.dataset.dataset.max_delete_share, ...options.deletions },
      ...(options.boundaryAt === undefined ? {} : { boundaryAt: options.boundaryAt }),
      ...(options.beforeCommit === undefined ? {} : { beforeCommit: (tx, result) => options.beforeCommit!(tx, { ...result, timings: timings(result.mergeMs) }) }),
      ...(options.into === undefined ? {} : { into: options.into }),
      ...(options.workMem === undefined ? {} : { workMem: options.workMem }),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    return { ...merged, timings: timings(merged.mergeMs) };
  } catch (error) {
    options.log?.error('silver.failed', { run_id: runId, table, error });
    throw error;
  } finally {
    await dropStagingTables(pool, stagedTables).catch(() => undefined);
  }
}
