import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Ids of the triggers recorded as skipped because `runId` was active, oldest first. */
export async function selectSkippedRuns(db: CommonQueryMethods, runId: string): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ run_id: z.string() }))`
    SELECT run_id FROM platform.runs WHERE skipped_for = ${runId} ORDER BY created_at, run_id`);
}
