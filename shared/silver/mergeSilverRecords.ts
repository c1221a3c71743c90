import { z } from 'zod';

import { fixRunBoundary } from '#pipeline/runs/fixRunBoundary.ts';
import { getRun } from '#pipeline/runs/getRun.ts';
import { recordStepResult } from '#pipeline/runs/recordStepResult.ts';
import { recordStepStart } from '#pipeline/runs/recordStepStart.ts';
import type { StepCounts } from '#pipeline/runs/runRecords.ts';
import type { CopyIn } from '#platform/db/createCopyIn.ts';
import { sql, type CommonQueryMethods, type DatabasePool, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { datasetTableName } from '#pipeline/records/datasetTableName.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { Logger } from '#platform/log.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { applySilverDiff } from './applySilverDiff.ts';
import { diffSilverBatch, type DiffCount } from './diffSilverBatch.ts';
import { dropStagingTables, dropStaleStagingTables } from './dropStagingTables.ts';
import { ensureSilverTable } from './ensureSilverTable.ts';
import { findDuplicateKeys } from './findDuplicateKeys.ts';
import { guardDeletions, type DeletionPolicy } from './guardDeletions.ts';
import { loadSilverInitial } from './loadSilverInitial.ts';
import { createMergeContext } from './mergeContext.ts';
import { moveSilverRejects } from './moveSilverRejects.ts';
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

export type SilverCounts = Required<StepCounts>;

export type SilverMergeResult = {
  readonly table: string;
  readonly runId: string;
  readonly boundaryAt: Date;
  /** `initial` for the first load of an empty table (bulk insert), `change` otherwise. */
  readonly path: 'initial' | 'change';
  readonly counts: SilverCounts;
  /** Records dropped because a later record of the same key in the run won. */
  readonly duplicates: number;
  readonly created: boolean;
  readonly addedColumns: readonly string[];
  /** Milliseconds spent mapping and staging (COPY), and in the merge transaction. */
  readonly timings: { readonly stageMs: number; readonly mergeMs: number };
};

function countsFromDiff(diff: readonly DiffCount[], batchKeys: number, read: number, rejected: number): SilverCounts {
  const sum = (predicate: (row: DiffCount) => boolean): number => diff.filter(predicate).reduce((total, row) => total + Number(row.keys), 0);
  return {
    read,
    inserted: sum((row) => (row.action === 'insert' && !row.tombstone) || row.action === 'revive'),
    updated: sum((row) => row.action === 'version' || row.action === 'overwrite'),
    closed: sum((row) => row.action === 'version' || row.action === 'revive' || row.action === 'delete'),
    deleted: sum((row) => row.action === 'delete' || (row.action === 'insert' && row.tombstone)),
    rejected,
    unchanged: batchKeys - sum((row) => row.from_batch),
  };
}

/**
 * Merges a run's records into `silver.<source>__<dataset>` (created or evolved from metadata).
 * Records are mapped, hashed and staged with COPY while streaming; then ONE transaction, at the
 * run's single boundary timestamp, de-duplicates the batch, diffs it against the current rows in one
 * join, writes only the changed keys, replaces the run's rejects and records the step's counts.
 * An empty table takes the bulk initial-load path instead. Merging the same records again changes nothing.
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
    const result = await pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`SELECT set_config('work_mem', ${options.workMem ?? '64MB'}, true)`);
      // One merge per dataset at a time; readers are never blocked.
      await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtext('silver_merge'), hashtext(${table}))`);
      const ensured = await ensureSilverTable(tx, plan);
      const boundaryAt = await fixRunBoundary(tx, runId, options.boundaryAt);
      const stage = sql.fragment`${sql.identifier(['staging', staged.stageTable])}`;
      const duplicates = await findDuplicateKeys(tx, stage, staged.maybeDuplicates);
      const context = createMergeContext({ plan, table, stageTable: staged.stageTable, rejectsTable: staged.rejectsTable, runId, boundaryAt, hasDuplicates: duplicates.keys > 0 });
      const empty = await tx.oneFirst(sql.type(z.object({ empty: z.boolean() }))`SELECT NOT EXISTS (SELECT 1 FROM ${context.target}) AS empty`);
      let counts: SilverCounts;
      if (empty) {
        const loaded = await loadSilverInitial(tx, context);
        counts = { read: staged.read, inserted: loaded.inserted, updated: 0, closed: 0, deleted: loaded.deleted, rejected: staged.rejected, unchanged: 0 };
      } else {
        const diff = await diffSilverBatch(tx, context);
        await guardDeletions(tx, context, diff, staged.read - staged.rejected, { maxShare: options.dataset.dataset.max_delete_share, ...options.deletions });
        await applySilverDiff(tx, context);
        const rejectedKeys = staged.rejected === 0 ? 0 : await countRejectedKeys(tx, context.batch);
        const batchKeys = staged.staged - duplicates.dropped - rejectedKeys;
        counts = countsFromDiff(diff, batchKeys, staged.read, staged.rejected);
      }
      await moveSilverRejects(tx, context);
      await options.beforeCommit?.(tx);
      const mergeMs = Date.now() - started - stageMs;
      const path = empty ? ('initial' as const) : ('change' as const);
      if (recordStep) {
        await recordStepResult(tx, { ...step, status: 'succeeded', counts, durationMs: Date.now() - started, detail: { table, path, duplicates: duplicates.dropped, created: ensured.created, added_columns: ensured.added, stage_ms: stageMs, merge_ms: mergeMs } });
      }
      return { table, runId, boundaryAt, path, counts, duplicates: duplicates.dropped, created: ensured.created, addedColumns: ensured.added, timings: { stageMs, mergeMs } };
    });
    options.log?.info('silver.merged', { run_id: runId, table, path: result.path, ...result.counts, duplicates: result.duplicates, stage_ms: result.timings.stageMs, merge_ms: result.timings.mergeMs });
    return result;
  } catch (error) {
    if (recordStep) await recordStepResult(pool, { ...step, status: 'failed', error }).catch(() => undefined);
    options.log?.error('silver.failed', { run_id: runId, table, error });
    throw error;
  } finally {
    await dropStagingTables(pool, stagedTables).catch(() => undefined);
  }
}

/** Batch rows (after de-duplication) that are rejected records staged only to mark their key present. */
async function countRejectedKeys(tx: CommonQueryMethods, batch: ReturnType<typeof sql.fragment>): Promise<number> {
  return Number(await tx.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM ${batch} b WHERE b._rejected`));
}
