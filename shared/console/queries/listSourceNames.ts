import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** The active sources of the catalog and `gold` (model runs), for the console's filters. */
export async function listSourceNames(db: CommonQueryMethods): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ source: z.string() }))`
    SELECT source FROM platform.sources WHERE retired_at IS NULL UNION SELECT 'gold' ORDER BY 1`);
}
