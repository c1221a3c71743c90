import type { KeyHashResult } from '#pipeline/records/computeKeyHash.ts';
import type { CopyIn } from '#platform/db/createCopyIn.ts';
import type { DatabasePool } from '#platform/db/sql.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { dropStagingTables } from './dropStagingTables.ts';
import { createStagingEncoder, STAGE_COLUMNS, STAGE_REJECT_COLUMNS } from './createStagingEncoder.ts';
import { createStagingTables, stagingTableName } from './openRunStaging.ts';

/** A record on its way to silver, with its position in the run (a later position wins over an earlier one of the same key). */
export type SilverInput = {
  readonly seq: number;
  readonly record: unknown;
  /** Where it came from (`<raw file>#<index>`), kept with its rejects. */
  readonly origin?: string;
  /** The record's key hash when the caller computed it already (bronze does, for its documents): not computed twice. */
  readonly key?: KeyHashResult;
};

export type StagedBatch = {
  /** Unlogged table in schema `staging` holding the mapped batch. */
  readonly stageTable: string;
  /** Unlogged table in schema `staging` holding the batch's rejected values. */
  readonly rejectsTable: string;
  readonly read: number;
  /** Records rejected (a value did not cast, or the key is unusable). */
  readonly rejected: number;
  /** Rows copied into the stage table (rejected records with a usable key are staged as present). */
  readonly staged: number;
  /** Rows whose key may have occurred earlier in the batch (a Bloom filter's answer); 0 means no key repeats. */
  readonly maybeDuplicates: number;
};

export type StageSilverBatchOptions = {
  readonly pool: DatabasePool;
  readonly copyIn: CopyIn;
  readonly plan: DatasetColumns;
  /** The records in batches (a cursor's batches, a page…): memory holds one batch and one chunk. */
  readonly batches: AsyncIterable<readonly SilverInput[]>;
  /** Characters of COPY text sent per chunk (at batch ends). Default: 262144. */
  readonly chunkChars?: number;
};

/** Characters of rejected-values COPY text held before they are written. */
const REJECTS_FLUSH_CHARS = 1_048_576;

/**
 * Maps a stream of records and stages it for a merge: each record is cast, hashed and written with
 * COPY into a fresh unlogged table (createStagingEncoder), in chunks, so memory holds one chunk; rejected
 * values go to a second staging table. The caller merges the stage in one transaction and drops both tables.
 * Staging that must span invocations goes through a run's staging instead (stageRunSlice).
 */
export async function stageSilverBatch(options: StageSilverBatchOptions): Promise<StagedBatch> {
  const { pool, plan } = options;
  const stageTable = stagingTableName();
  const rejectsTable = `${stageTable}_rejects`;
  await createStagingTables(pool, plan, stageTable);
  const encoder = createStagingEncoder(plan);
  const chunkChars = options.chunkChars ?? 262_144;
  let pendingRejects = '';
  async function* chunks(): AsyncGenerator<string> {
    let chunk = '';
    for await (const batch of options.batches) {
      for (const input of batch) chunk = encoder.append(chunk, input);
      pendingRejects += encoder.takeRejects();
      if (pendingRejects.length >= REJECTS_FLUSH_CHARS) {
        const text = pendingRejects;
        pendingRejects = '';
        await options.copyIn(['staging', rejectsTable], STAGE_REJECT_COLUMNS, [text]);
      }
      if (chunk.length >= chunkChars) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }

  try {
    await options.copyIn(['staging', stageTable], [...STAGE_COLUMNS, ...plan.columns.map((column) => column.name)], chunks());
    if (pendingRejects.length > 0) await options.copyIn(['staging', rejectsTable], STAGE_REJECT_COLUMNS, [pendingRejects]);
    const counts = encoder.counts();
    return { stageTable, rejectsTable, read: counts.read, rejected: counts.rejected, staged: counts.staged, maybeDuplicates: counts.maybeDuplicates };
  } catch (error) {
    await dropStagingTables(pool, [stageTable, rejectsTable]).catch(() => undefined);
    throw error;
  }
}
