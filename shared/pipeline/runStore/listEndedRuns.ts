import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Of these runs, the ones that have ended (succeeded, failed or skipped), or no longer exist. */
export async function listEndedRuns(db: CommonQueryMethods, runIds: readonly string[]): Promise<readonly string[]> {
  if (runIds.length === 0) return [];
  const active = await db.anyFirst(sql.type(z.object({ run_id: z.string() }))`
    SELECT run_id FROM platform.runs WHERE run_id = ANY(${sql.array([...runIds], 'text')}) AND status IN ('pending', 'running')`);
  const stillActive = new Set(active);
  return runIds.filter((runId) => !stillActive.has(runId));
}
