import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/**
 * Deletes invocation log lines older than `retentionDays`, at most `limit` of them per call (the tick
 * calls it every minute, so a backlog goes in slices rather than in one long statement). Resolves to the number deleted.
 */
export async function pruneInvocationLogs(db: CommonQueryMethods, retentionDays: number, limit = 10_000): Promise<number> {
  return db.oneFirst(sql.type(z.object({ deleted: z.number() }))`
    WITH expired AS (
      SELECT log_id FROM platform.invocation_logs
      WHERE logged_at < now() - ${retentionDays} * interval '1 day'
      ORDER BY logged_at
      LIMIT ${limit}
    ), deleted AS (
      DELETE FROM platform.invocation_logs AS l USING expired WHERE l.log_id = expired.log_id RETURNING 1
    )
    SELECT count(*)::int AS deleted FROM deleted`);
}
