import { sql } from '#platform/db/sql.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';

type Fragment = ReturnType<typeof sql.fragment>;

/** What the statements of one merge share: tables, run, boundary, and column lists as SQL. */
export type MergeContext = {
  readonly plan: DatasetColumns;
  /** Schema of the target table: `silver`, or `replay` while a replay rebuilds the table. */
  readonly schema: string;
  readonly table: string;
  readonly target: Fragment;
  /** Where the run's rejects go: `platform.rejects`, or a replay's own table until it is swapped in. */
  readonly rejectsTarget: Fragment;
  readonly stage: Fragment;
  readonly rejects: Fragment;
  readonly runId: string;
  /** The run's boundary as an exact SQL timestamptz expression. */
  readonly boundary: Fragment;
  /** The staged batch with duplicate keys removed (the last record of a key wins). */
  readonly batch: Fragment;
  /** Business columns, unqualified. */
  readonly columns: Fragment;
  /** Business columns qualified with an alias (`d.amount, …`). */
  readonly columnsOf: (alias: string) => Fragment;
};

/** Builds the merge context; `hasDuplicates` switches the batch to its de-duplicated form. */
export function createMergeContext(input: { plan: DatasetColumns; schema?: string; table: string; stageTable: string; rejectsTable: string; rejectsTarget?: readonly [string, string]; runId: string; boundaryAt: Date; hasDuplicates: boolean }): MergeContext {
  const stage = sql.identifier(['staging', input.stageTable]);
  const names = input.plan.columns.map((column) => column.name);
  const columnsOf = (alias: string): Fragment => sql.fragment`${sql.join(names.map((name) => sql.identifier([alias, name])), sql.fragment`, `)}`;
  return {
    plan: input.plan,
    schema: input.schema ?? 'silver',
    table: input.table,
    target: sql.fragment`${sql.identifier([input.schema ?? 'silver', input.table])}`,
    rejectsTarget: sql.fragment`${sql.identifier([...(input.rejectsTarget ?? ['platform', 'rejects'])])}`,
    stage: sql.fragment`${stage}`,
    rejects: sql.fragment`${sql.identifier(['staging', input.rejectsTable])}`,
    runId: input.runId,
    boundary: sql.fragment`${input.boundaryAt.toISOString()}::timestamptz`,
    batch: input.hasDuplicates
      ? sql.fragment`(SELECT s.* FROM ${stage} s WHERE NOT EXISTS (SELECT 1 FROM pg_temp.silver_duplicates d WHERE d._key_hash = s._key_hash AND d.keep_seq <> s._seq))`
      : sql.fragment`${stage}`,
    columns: sql.fragment`${sql.join(names.map((name) => sql.identifier([name])), sql.fragment`, `)}`,
    columnsOf,
  };
}

/** The audit columns every insert writes, in this order. */
export const INSERT_AUDIT_COLUMNS = sql.fragment`_key_hash, _scd1_hash, _scd2_hash, _valid_from, _valid_to, _is_current, _is_deleted, _run_id, _updated_run_id, _created_at, _updated_at`;
