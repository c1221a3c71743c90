import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { RUN_STATUSES, type RunStatus } from './runRow.ts';

/** How many runs there are of each status (of one source, when given); a status without runs is absent. */
export async function countRunsByStatus(db: CommonQueryMethods, source?: string): Promise<Partial<Readonly<Record<RunStatus, number>>>> {
  const where = source === undefined ? sql.fragment`` : sql.fragment`WHERE source = ${source}`;
  const rows = await db.any(sql.type(z.object({ status: z.enum(RUN_STATUSES), runs: z.number() }))`
    SELECT status, count(*)::int AS runs FROM platform.runs ${where} GROUP BY status`);
  return Object.fromEntries(rows.map((row) => [row.status, row.runs]));
}
