import { z } from 'zod';

import { sql, type CommonQueryMethods } from '../db/sql.ts';

/** Ids of the event triggers that were skipped because `runId` was active: changes that run may not have seen. */
export async function listSkippedEventRuns(db: CommonQueryMethods, runId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ run_id: z.string() }))`
    SELECT run_id FROM platform.runs
    WHERE skipped_for = ${runId} AND status = 'skipped' AND trigger_kind = 'event'
    ORDER BY created_at`);
}
