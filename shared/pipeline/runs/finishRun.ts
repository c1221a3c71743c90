import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { runRowSchema, type RunRow } from './runRecords.ts';
import { toErrorRecord } from './toErrorRecord.ts';

export type FinishRunInput = {
  readonly runId: string;
  readonly status: 'succeeded' | 'failed' | 'skipped';
  /** The error that ended a failed run; stored with its code and a redacted message. */
  readonly error?: unknown;
};

/** Records how a run ended, with its finish time and, for a failure, the error. */
export async function finishRun(connection: CommonQueryMethods, input: FinishRunInput): Promise<RunRow> {
  const error = input.error === undefined ? null : sql.jsonb(toErrorRecord(input.error));
  const row = await connection.maybeOne(sql.type(runRowSchema)`
    UPDATE platform.runs SET status = ${input.status}, finished_at = now(), error = ${error}
    WHERE run_id = ${input.runId}
    RETURNING *`);
  if (row === null) throw new NotFoundError('audit.run_missing', `Run ${input.runId} does not exist in platform.runs; create it with createRun first.`, { context: { runId: input.runId } });
  return row;
}
