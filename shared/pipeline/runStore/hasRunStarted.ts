import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Whether any step of a run has been claimed by its function (is past `dispatched`): its work may have read data already. */
export async function hasRunStarted(db: CommonQueryMethods, runId: string): Promise<boolean> {
  return db.oneFirst(sql.type(z.object({ started: z.boolean() }))`
    SELECT EXISTS (SELECT 1 FROM platform.run_steps WHERE run_id = ${runId} AND status <> 'dispatched') AS started`);
}
