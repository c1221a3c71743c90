import { randomBytes } from 'node:crypto';

import type { KeyHashResult } from '#pipeline/records/computeKeyHash.ts';
import type { CopyIn } from '#platform/db/createCopyIn.ts';
import { sql, type DatabasePool } from '#platform/db/sql.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { createSeenKeyFilter } from './createSeenKeyFilter.ts';
import { createSilverRecordMapper, type RejectedValue } from './createSilverRecordMapper.ts';
import { dropStagingTables } from './dropStagingTables.ts';
import { encodeCopyField } from './encodeCopyField.ts';
import { SQL_TYPES } from './silverSchema.ts';

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

const STAGE_COLUMNS = ['_seq', '_key_hash', '_scd1_hash', '_scd2_hash', '_deleted', '_rejected', '_maybe_duplicate'];
const REJECT_FLUSH = 500;

type RejectRow = { readonly seq: number; readonly key: readonly string[] | null; readonly keyHash: string | null; readonly origin: string | null } & RejectedValue;

/** A name for this merge's staging tables; the epoch seconds in it let a later merge drop tables a crash left behind. */
function stagingName(): string {
  return `merge_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
}

async function flushRejects(pool: DatabasePool, table: string, rows: RejectRow[]): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(sql.unsafe`
    INSERT INTO ${sql.identifier(['staging', table])} (_seq, key, key_hash, column_name, value, reason, origin)
    SELECT * FROM ${sql.unnest(
      rows.map((row) => [row.seq, row.key === null ? null : JSON.stringify(row.key), row.keyHash, row.column, row.value, row.reason, row.origin]),
      ['int8', 'jsonb', 'uuid', 'text', 'text', 'text', 'text'],
    )}`);
  rows.length = 0;
}

/**
 * Maps a stream of records and stages it for a merge: each record is cast, hashed and written with
 * COPY into a fresh unlogged table, in chunks, so memory holds one chunk; rejected values go to a
 * second staging table. The caller merges the stage in one transaction and drops both tables.
 */
export async function stageSilverBatch(options: StageSilverBatchOptions): Promise<StagedBatch> {
  const { pool, plan } = options;
  const stageTable = stagingName();
  const rejectsTable = `${stageTable}_rejects`;
  const businessColumns = plan.columns.map((column) => sql.fragment`${sql.identifier([column.name])} ${SQL_TYPES[column.type]}`);
  await pool.query(sql.unsafe`
    CREATE UNLOGGED TABLE ${sql.identifier(['staging', stageTable])} (
      _seq bigint NOT NULL, _key_hash uuid NOT NULL, _scd1_hash uuid, _scd2_hash uuid,
      _deleted boolean NOT NULL, _rejected boolean NOT NULL, _maybe_duplicate boolean NOT NULL, ${sql.join(businessColumns, sql.fragment`, `)}
    )`);
  await pool.query(sql.unsafe`
    CREATE UNLOGGED TABLE ${sql.identifier(['staging', rejectsTable])} (
      _seq bigint NOT NULL, key jsonb, key_hash uuid, column_name text NOT NULL, value text, reason text NOT NULL, origin text
    )`);

  const map = createSilverRecordMapper(plan);
  const chunkChars = options.chunkChars ?? 262_144;
  const nullRest = plan.columns.map(() => '\\N').join('\t');
  const mayNeedEscape = plan.columns.map((column) => column.type === 'text' || column.type === 'jsonb');
  const pendingRejects: RejectRow[] = [];
  const seenKeys = createSeenKeyFilter();
  let read = 0;
  let rejected = 0;
  let maybeDuplicates = 0;
  const flagRepeat = (keyHash: string): string => {
    if (!seenKeys.seen(keyHash)) return 'f';
    maybeDuplicates += 1;
    return 't';
  };

  async function* chunks(): AsyncGenerator<string> {
    // Rows are appended straight onto the chunk (V8 keeps the appends as a rope and flattens it once when sent).
    let chunk = '';
    for await (const batch of options.batches) {
      for (const input of batch) {
        read += 1;
        const mapped = map(input.record);
        if (mapped.rejects.length > 0) {
          rejected += 1;
          for (const reject of mapped.rejects) pendingRejects.push({ ...reject, seq: input.seq, key: mapped.key, keyHash: mapped.keyHash, origin: input.origin ?? null });
          // A rejected record whose key is usable is staged as present, so a full load does not delete that key.
          if (mapped.keyHash === null) continue;
          chunk += `${input.seq}\t${mapped.keyHash}\t\\N\t\\N\tf\tt\t${flagRepeat(mapped.keyHash)}\t${nullRest}\n`;
        } else {
          chunk += `${input.seq}\t${mapped.keyHash}\t${mapped.scd1Hash}\t${mapped.scd2Hash}\t${mapped.deleted ? 't' : 'f'}\tf\t${flagRepeat(mapped.keyHash as string)}`;
          const values = mapped.values;
          for (let index = 0; index < values.length; index += 1) {
            const value = values[index] as string | null;
            // Only text and jsonb values can hold characters COPY must escape; the other canonical forms cannot.
            chunk += value === null ? '\t\\N' : mayNeedEscape[index] ? `\t${encodeCopyField(value)}` : `\t${value}`;
          }
          chunk += '\n';
        }
      }
      if (pendingRejects.length >= REJECT_FLUSH) await flushRejects(pool, rejectsTable, pendingRejects);
      if (chunk.length >= chunkChars) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
    await flushRejects(pool, rejectsTable, pendingRejects);
  }

  try {
    const staged = await options.copyIn(['staging', stageTable], [...STAGE_COLUMNS, ...plan.columns.map((column) => column.name)], chunks());
    await pool.query(sql.unsafe`ANALYZE ${sql.identifier(['staging', stageTable])}`);
    return { stageTable, rejectsTable, read, rejected, staged, maybeDuplicates };
  } catch (error) {
    await dropStagingTables(pool, [stageTable, rejectsTable]).catch(() => undefined);
    throw error;
  }
}
