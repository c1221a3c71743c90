import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { GoldModel } from '#metadata/schema.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';

/** The tables a gold model reads (`silver.<source>__<dataset>`, `gold.<model>`) that do not exist yet. */
export async function findMissingUpstreams(db: CommonQueryMethods, model: GoldModel): Promise<string[]> {
  const tables = model.depends_on.map((upstream) => {
    const [first, second] = upstream.split('.');
    return first === 'gold' ? `gold.${second}` : `silver.${datasetTableName(first!, second!)}`;
  });
  const missing: string[] = [];
  for (const table of tables) {
    const found = await db.oneFirst(sql.type(z.object({ found: z.boolean() }))`SELECT to_regclass(${table}) IS NOT NULL AS found`);
    if (!found) missing.push(table);
  }
  return missing;
}
