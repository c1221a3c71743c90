import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { ErrorRecord } from './errorRecord.ts';

/** How a run ended: `succeeded`, or `failed` with the error that ended it (and the step chunk and attempt it came from). */
export type RunEnd = { readonly status: 'succeeded' } | { readonly status: 'failed'; readonly error: ErrorRecord };

/** Ends an active (`pending`/`running`) run; a run that already ended keeps its end. */
export async function finishRun(db: CommonQueryMethods, runId: string, end: RunEnd, now: Date): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE platform.runs
    SET status = ${end.status}, finished_at = ${sql.timestamp(now)},
        error = ${end.status === 'failed' ? sql.jsonb(end.error) : null}
    WHERE run_id = ${runId} AND status IN ('pending', 'running')`);
}
