import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Forgets a dataset's committed cursor, so its next run extracts everything (`dp run --full`); returns whether there was one. */
export async function resetCursor(db: CommonQueryMethods, dataset: { readonly source: string; readonly dataset: string }): Promise<boolean> {
  const result = await db.query(sql.type(z.object({}))`
    DELETE FROM platform.dataset_state WHERE source = ${dataset.source} AND dataset = ${dataset.dataset}`);
  return result.rowCount > 0;
}
