import superjson from 'superjson';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { StepCounts, StepRow } from './runRecords.ts';
import { stepRowSchema } from './runRecords.ts';
import type { StepRef } from './recordStepStart.ts';
import { toErrorRecord } from './toErrorRecord.ts';

export type StepResultInput = StepRef & {
  readonly status: 'succeeded' | 'failed';
  readonly counts?: StepCounts;
  /** Where the next chunk starts; stored with superjson so dates and bigints survive. */
  readonly checkpoint?: unknown;
  /** Free-form facts of the step (files, collection, timings of phases…). */
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly error?: unknown;
  /** Default: milliseconds since the step's recorded start. */
  readonly durationMs?: number;
};

/**
 * Records the outcome of a step chunk: status, counts, checkpoint, detail, error and duration.
 * Run it in the same transaction as the step's own writes (as the silver merge does) so the counts
 * commit with the data or not at all.
 */
export async function recordStepResult(connection: CommonQueryMethods, input: StepResultInput): Promise<StepRow> {
  const counts = input.counts ?? {};
  const checkpoint = input.checkpoint === undefined || input.checkpoint === null ? null : sql.jsonb(superjson.serialize(input.checkpoint) as never);
  const error = input.error === undefined ? null : sql.jsonb(toErrorRecord(input.error));
  const duration = input.durationMs === undefined ? sql.fragment`(extract(epoch FROM clock_timestamp() - coalesce(started_at, dispatched_at)) * 1000)::integer` : sql.fragment`${Math.round(input.durationMs)}`;
  const row = await connection.maybeOne(sql.type(stepRowSchema)`
    UPDATE platform.run_steps SET
      status = ${input.status}, finished_at = clock_timestamp(), duration_ms = ${duration},
      checkpoint = ${checkpoint}, detail = ${sql.jsonb(input.detail ?? {})}, error = ${error},
      rows_read = ${counts.read ?? 0}, rows_inserted = ${counts.inserted ?? 0}, rows_updated = ${counts.updated ?? 0},
      rows_closed = ${counts.closed ?? 0}, rows_deleted = ${counts.deleted ?? 0}, rows_rejected = ${counts.rejected ?? 0},
      rows_unchanged = ${counts.unchanged ?? 0}
    WHERE run_id = ${input.runId} AND step = ${input.step} AND chunk = ${input.chunk ?? 0}
    RETURNING *`);
  if (row !== null) return row;
  // A result without a recorded start (a step run directly, outside the orchestrator).
  await connection.query(sql.unsafe`
    INSERT INTO platform.run_steps (run_id, step, chunk, status, started_at)
    VALUES (${input.runId}, ${input.step}, ${input.chunk ?? 0}, 'running', clock_timestamp())
    ON CONFLICT (run_id, step, chunk) DO NOTHING`);
  return recordStepResult(connection, input);
}
