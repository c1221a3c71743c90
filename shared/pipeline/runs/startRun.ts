import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { runRowSchema, type RunRow } from './runRecords.ts';

/** Marks a run as running (keeping the first start time when called again). */
export async function startRun(connection: CommonQueryMethods, runId: string): Promise<RunRow> {
  const row = await connection.maybeOne(sql.type(runRowSchema)`
    UPDATE platform.runs SET status = 'running', started_at = coalesce(started_at, now())
    WHERE run_id = ${runId}
    RETURNING *`);
  if (row === null) throw new NotFoundError('audit.run_missing', `Run ${runId} does not exist in platform.runs; create it with createRun first.`, { context: { runId } });
  return row;
}
