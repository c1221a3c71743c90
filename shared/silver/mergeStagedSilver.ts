import { z } from 'zod';

import { fixRunBoundary } from '#pipeline/runStore/fixRunBoundary.ts';
import type { StepCounts } from '#pipeline/steps.ts';
import { sql, type CommonQueryMethods, type DatabasePool, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import type { Logger } from '#platform/log.ts';
import { applySilverDiff } from './applySilverDiff.ts';
import { diffSilverBatch, type DiffCount } from './diffSilverBatch.ts';
import { dropRunStaging } from './dropRunStaging.ts';
import { ensureSilverTable } from './ensureSilverTable.ts';
import { findDuplicateKeys } from './findDuplicateKeys.ts';
import { guardDeletions, type DeletionPolicy } from './guardDeletions.ts';
import { loadSilverInitial } from './loadSilverInitial.ts';
import { createMergeContext } from './mergeContext.ts';
import { moveSilverRejects } from './moveSilverRejects.ts';
import type { StagedBatch } from './stageSilverBatch.ts';

export type SilverCounts = StepCounts;

/** What was staged for a merge (by stageSilverBatch in one go, or by a run's staging across invocations). */
export type StagedSilver = StagedBatch & {
  /** The stage was written by several encoders (invocations), whose flags do not see each other: search every row for repeats. */
  readonly searchAllDuplicates: boolean;
};

export type StagedMergeResult = {
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
  /** Milliseconds spent in the merge transaction. */
  readonly mergeMs: number;
};

export type MergeStagedSilverOptions = {
  readonly pool: DatabasePool;
  readonly plan: DatasetColumns;
  readonly runId: string;
  readonly staged: StagedSilver;
  /** Boundary to fix when the run has none yet. Default: the transaction's start time. */
  readonly boundaryAt?: Date;
  /** Writes that must commit exactly with the data (the silver step records its outcome there), with what the merge did. */
  readonly beforeCommit?: (tx: DatabaseTransactionConnection, merged: StagedMergeResult) => Promise<void>;
  /** Full loads: when a snapshot may delete absent keys (guardDeletions, with the dataset's `max_delete_share`). */
  readonly deletions?: DeletionPolicy;
  /** Drop the run's staging (tables and platform.silver_staging row) in the transaction. Default: false. */
  readonly dropRunStaging?: boolean;
  /**
   * Where the merge writes: the silver table's schema and the rejects table. Default: `silver` and
   * `platform.rejects`. A replay rebuilds a dataset in schema `replay` with its own rejects table, and
   * swaps both in when every run is merged.
   */
  readonly into?: { readonly schema: string; readonly rejects: readonly [schema: string, table: string] };
  /** Postgres work_mem for the transaction. Default: `64MB`. */
  readonly workMem?: string;
  readonly log?: Logger;
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

/** Batch rows (after de-duplication) that are rejected records staged only to mark their key present. */
async function countRejectedKeys(tx: CommonQueryMethods, batch: ReturnType<typeof sql.fragment>): Promise<number> {
  return Number(await tx.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM ${batch} b WHERE b._rejected`));
}

/**
 * Merges staged rows into `silver.<source>__<dataset>` (created or evolved from metadata) in ONE
 * transaction, at the run's single boundary timestamp: de-duplicates the batch (the last record of a key
 * wins), diffs it against the current rows in one join, writes only the changed keys (an empty table takes
 * the bulk initial-load path), replaces the run's rejects — and, for a staging that lived across
 * invocations, drops it, so the staging goes exactly when the merge commits; then `beforeCommit`.
 */
export async function mergeStagedSilver(options: MergeStagedSilverOptions): Promise<StagedMergeResult> {
  const { plan, runId, staged } = options;
  const table = datasetTableName(plan.source, plan.dataset);
  const schema = options.into?.schema ?? 'silver';
  const started = Date.now();
  await options.pool.query(sql.unsafe`ANALYZE ${sql.identifier(['staging', staged.stageTable])}`);
  return options.pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`SELECT set_config('work_mem', ${options.workMem ?? '64MB'}, true)`);
    // One merge per dataset at a time; readers are never blocked.
    await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtext('silver_merge'), hashtext(${schema === 'silver' ? table : `${schema}.${table}`}))`);
    const ensured = await ensureSilverTable(tx, plan, schema);
    const boundaryAt = await fixRunBoundary(tx, runId, options.boundaryAt);
    const stage = sql.fragment`${sql.identifier(['staging', staged.stageTable])}`;
    const duplicates = await findDuplicateKeys(tx, stage, staged.searchAllDuplicates ? 'all' : staged.maybeDuplicates);
    const context = createMergeContext({ plan, schema, table, stageTable: staged.stageTable, rejectsTable: staged.rejectsTable, ...(options.into === undefined ? {} : { rejectsTarget: options.into.rejects }), runId, boundaryAt, hasDuplicates: duplicates.keys > 0 });
    const empty = await tx.oneFirst(sql.type(z.object({ empty: z.boolean() }))`SELECT NOT EXISTS (SELECT 1 FROM ${context.target}) AS empty`);
    let counts: SilverCounts;
    if (empty) {
      const loaded = await loadSilverInitial(tx, context);
      counts = { read: staged.read, inserted: loaded.inserted, updated: 0, closed: 0, deleted: loaded.deleted, rejected: staged.rejected, unchanged: 0 };
    } else {
      const diff = await diffSilverBatch(tx, context);
      await guardDeletions(tx, context, diff, staged.read - staged.rejected, options.deletions ?? {});
      await applySilverDiff(tx, context);
      const rejectedKeys = staged.rejected === 0 ? 0 : await countRejectedKeys(tx, context.batch);
      const batchKeys = staged.staged - duplicates.dropped - rejectedKeys;
      counts = countsFromDiff(diff, batchKeys, staged.read, staged.rejected);
    }
    await moveSilverRejects(tx, context);
    if (options.dropRunStaging === true) await dropRunStaging(tx, runId);
    const path = empty ? ('initial' as const) : ('change' as const);
    const merged: StagedMergeResult = { table, runId, boundaryAt, path, counts, duplicates: duplicates.dropped, created: ensured.created, addedColumns: ensured.added, mergeMs: Date.now() - started };
    await options.beforeCommit?.(tx, merged);
    options.log?.info('silver.merged', { run_id: runId, table, path, ...counts, duplicates: duplicates.dropped, merge_ms: merged.mergeMs });
    return merged;
  });
}
