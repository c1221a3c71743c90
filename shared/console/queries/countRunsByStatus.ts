import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** How many runs there are of each status (for one source, when given), for the console's filters. */
export async function countRunsByStatus(db: CommonQueryMethods, source?: string): Promise<Readonly<Record<string, number>>> {
  const where = source === undefined ? sql.fragment`` : sql.fragment`WHERE source = ${source}`;
  const rows = await db.any(sql.type(z.object({ status: z.string(), runs: z.number() }))`
    SELECT status, count(*)::int AS runs FROM platform.runs ${where} GROUP BY status`);
  return Object.fromEntries(rows.map((row) => [row.status, row.runs]));
}
