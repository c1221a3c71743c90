import { randomBytes } from 'node:crypto';

import { z } from 'zod';

import { sql, type CommonQueryMethods, type DatabasePool } from '#platform/db/sql.ts';
import { TransientError } from '#platform/errors.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { SQL_TYPES } from './silverSchema.ts';

/** A run's silver staging as `platform.silver_staging` records it (see migration 0009). */
export type RunStaging = {
  readonly runId: string;
  /** Unlogged table in schema `staging` with the staged rows; its rejects are in `<stageTable>_rejects`. */
  readonly stageTable: string;
  readonly rejectsTable: string;
  /** Where staging goes on: the next raw part, and the record offset in it. */
  readonly next: { readonly part: number; readonly offset: number };
  /** Every raw part of the run is staged: the merge may run. */
  readonly complete: boolean;
  /** Slices staged by separate encoders: with more than one, repeated keys are searched in SQL at merge time. */
  readonly chunks: number;
  readonly read: number;
  readonly rejected: number;
  readonly staged: number;
  readonly maybeDuplicates: number;
};

const stagingRow = z.object({
  run_id: z.string(),
  stage_table: z.string(),
  next_part: z.number(),
  next_offset: z.number(),
  complete: z.boolean(),
  chunks: z.number(),
  records_read: z.bigint(),
  records_rejected: z.bigint(),
  rows_staged: z.bigint(),
  maybe_duplicates: z.bigint(),
});

function toRunStaging(row: z.output<typeof stagingRow>): RunStaging {
  return {
    runId: row.run_id,
    stageTable: row.stage_table,
    rejectsTable: `${row.stage_table}_rejects`,
    next: { part: row.next_part, offset: row.next_offset },
    complete: row.complete,
    chunks: row.chunks,
    read: Number(row.records_read),
    rejected: Number(row.records_rejected),
    staged: Number(row.rows_staged),
    maybeDuplicates: Number(row.maybe_duplicates),
  };
}

/** A name for a stage's tables; the epoch seconds in it let a sweep drop tables a crash left behind. */
export function stagingTableName(): string {
  return `merge_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
}

/** Creates a stage's two unlogged tables, for the columns of `plan`. */
export async function createStagingTables(connection: CommonQueryMethods, plan: DatasetColumns, stageTable: string): Promise<void> {
  const businessColumns = plan.columns.map((column) => sql.fragment`${sql.identifier([column.name])} ${SQL_TYPES[column.type]}`);
  await connection.query(sql.unsafe`
    CREATE UNLOGGED TABLE ${sql.identifier(['staging', stageTable])} (
      _seq bigint NOT NULL, _key_hash uuid NOT NULL, _scd1_hash uuid, _scd2_hash uuid,
      _deleted boolean NOT NULL, _rejected boolean NOT NULL, _maybe_duplicate boolean NOT NULL, ${sql.join(businessColumns, sql.fragment`, `)}
    )`);
  await connection.query(sql.unsafe`
    CREATE UNLOGGED TABLE ${sql.identifier(['staging', `${stageTable}_rejects`])} (
      _seq bigint NOT NULL, key jsonb, key_hash uuid, column_name text NOT NULL, value text, reason text NOT NULL, origin text
    )`);
}

/** The run's staging, or null when nothing was staged for it. */
export async function readRunStaging(connection: CommonQueryMethods, runId: string): Promise<RunStaging | null> {
  const row = await connection.maybeOne(sql.type(stagingRow)`
    SELECT run_id, stage_table, next_part, next_offset, complete, chunks, records_read, records_rejected, rows_staged, maybe_duplicates
    FROM platform.silver_staging WHERE run_id = ${runId}`);
  return row === null ? null : toRunStaging(row);
}

/**
 * The run's silver staging, created (empty, at the first raw part) when the run has none: its tables and
 * its row in `platform.silver_staging`. Two steps opening it at once end with one staging; the loser's
 * tables are dropped.
 */
export async function openRunStaging(pool: DatabasePool, runId: string, plan: DatasetColumns): Promise<RunStaging> {
  const existing = await readRunStaging(pool, runId);
  if (existing !== null) return existing;
  const stageTable = stagingTableName();
  await createStagingTables(pool, plan, stageTable);
  const inserted = await pool.maybeOne(sql.type(z.object({ run_id: z.string() }))`
    INSERT INTO platform.silver_staging (run_id, stage_table) VALUES (${runId}, ${stageTable})
    ON CONFLICT (run_id) DO NOTHING RETURNING run_id`);
  if (inserted === null) {
    for (const table of [stageTable, `${stageTable}_rejects`]) await pool.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier(['staging', table])}`);
  }
  const staging = await readRunStaging(pool, runId);
  if (staging === null) {
    throw new TransientError('silver.staging_vanished', `The silver staging of run ${runId} was dropped while it was being opened (the run ended meanwhile?); the step can run again.`, { context: { runId } });
  }
  return staging;
}
