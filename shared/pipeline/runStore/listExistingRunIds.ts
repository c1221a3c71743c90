import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Which of these run ids are runs (a request for an unknown run still logs; its lines have no run to go with). */
export async function listExistingRunIds(db: CommonQueryMethods, runIds: readonly string[]): Promise<ReadonlySet<string>> {
  if (runIds.length === 0) return new Set();
  return new Set(await db.anyFirst(sql.type(z.object({ run_id: z.string() }))`
    SELECT run_id FROM platform.runs WHERE run_id = ANY(${sql.array([...runIds], 'text')})`));
}
