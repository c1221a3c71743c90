import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';

/**
 * The run's boundary timestamp, fixed on first use: the run keeps `boundary_at` once set, so every
 * statement (and every retry) of the run uses the same instant. When unset it becomes `proposed`
 * or the current time (taken after any lock the caller holds, so runs serialised by a lock get
 * increasing boundaries), truncated to milliseconds so it survives a trip through a JS Date.
 */
export async function fixRunBoundary(db: CommonQueryMethods, runId: string, proposed?: Date): Promise<Date> {
  const boundary = await db.maybeOneFirst(sql.type(z.object({ boundary_at: z.date() }))`
    UPDATE platform.runs
    SET boundary_at = coalesce(boundary_at, ${proposed === undefined ? null : proposed.toISOString()}::timestamptz, date_trunc('milliseconds', clock_timestamp()))
    WHERE run_id = ${runId}
    RETURNING boundary_at`);
  if (boundary === null) {
    throw new NotFoundError('run.not_found', `Run ${runId} does not exist in platform.runs; runs are started by the orchestrator (insertActiveRun).`, { context: { runId } });
  }
  return boundary;
}
