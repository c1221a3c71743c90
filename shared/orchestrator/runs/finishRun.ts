import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import type { StepError } from '../dispatch/classifyFailure.ts';

/** The error a failed run records: the step error, and which step chunk and attempt ended it. */
export type RunError = StepError & { readonly step?: string; readonly chunk?: number; readonly attempt?: number };

/** Ends a running run as `succeeded`, or `failed` with the error that ended it. */
export async function finishRun(tx: DatabaseTransactionConnection, runId: string, outcome: { readonly status: 'succeeded' } | { readonly status: 'failed'; readonly error: RunError }, now: Date): Promise<void> {
  await tx.query(sql.unsafe`
    UPDATE platform.runs
    SET status = ${outcome.status}, finished_at = ${sql.timestamp(now)},
        error = ${outcome.status === 'failed' ? sql.jsonb(outcome.error as never) : null}
    WHERE run_id = ${runId} AND status IN ('pending', 'running')`);
}
