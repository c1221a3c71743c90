import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Counts the rows of a gold table, or null when it has not been built yet. */
export async function countGoldRows(db: CommonQueryMethods, model: string): Promise<number | null> {
  const exists = await db.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass(${`gold.${JSON.stringify(model)}`}) IS NOT NULL AS present`);
  if (!exists) return null;
  return Number(await db.oneFirst(sql.type(z.object({ total: z.bigint() }))`SELECT count(*) AS total FROM ${sql.identifier(['gold', model])}`));
}
