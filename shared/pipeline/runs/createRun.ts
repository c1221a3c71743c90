import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { createRunId } from './createRunId.ts';
import { runRowSchema, type RUN_KINDS, type RunRow, type TRIGGER_KINDS } from './runRecords.ts';

export type CreateRunInput = {
  /** Default: a new id from createRunId. */
  readonly runId?: string;
  readonly kind: (typeof RUN_KINDS)[number];
  /** Source name, or `gold` for model runs. */
  readonly source: string;
  /** Dataset name, or the model name. */
  readonly dataset: string;
  readonly load?: 'full' | 'delta';
  readonly triggerKind: (typeof TRIGGER_KINDS)[number];
  readonly triggerDetail?: Readonly<Record<string, unknown>>;
  readonly metadataVersion?: bigint;
  /** Default: `pending`. */
  readonly status?: 'pending' | 'running';
  /** The silver boundary timestamp, when the caller fixes it up front. Default: set by the silver merge. */
  readonly boundaryAt?: Date;
};

/**
 * Records a new run. A second active run for the same dataset violates the one-active-run index
 * (`db.unique_violation`), which the orchestrator turns into a skipped run.
 */
export async function createRun(connection: CommonQueryMethods, input: CreateRunInput): Promise<RunRow> {
  const status = input.status ?? 'pending';
  return connection.one(sql.type(runRowSchema)`
    INSERT INTO platform.runs (run_id, kind, source, dataset, load, trigger_kind, trigger_detail, metadata_version, status, started_at, boundary_at)
    VALUES (
      ${input.runId ?? createRunId()}, ${input.kind}, ${input.source}, ${input.dataset}, ${input.load ?? null},
      ${input.triggerKind}, ${sql.jsonb(input.triggerDetail ?? {})}, ${input.metadataVersion ?? null}, ${status},
      ${status === 'running' ? sql.fragment`now()` : null}, ${input.boundaryAt === undefined ? null : sql.timestamp(input.boundaryAt)}
    )
    RETURNING *`);
}
