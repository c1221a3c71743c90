import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/**
 * Ids of the event triggers skipped because `runId` was active *and already running*: changes that run may not
 * have seen. A trigger skipped while the run still waited in the queue is left out — the run read the new data.
 */
export async function listSkippedEventRuns(db: CommonQueryMethods, runId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ run_id: z.string() }))`
    SELECT run_id FROM platform.runs
    WHERE skipped_for = ${runId} AND status = 'skipped' AND trigger_kind = 'event'
      AND coalesce((trigger_detail->>'active_run_started')::boolean, true)
    ORDER BY created_at`);
}
