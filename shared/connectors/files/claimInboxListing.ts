import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { DatasetRunRef } from '#pipeline/cursor/datasetRunRef.ts';

const row = z.object({ files: z.array(z.string()) });

/**
 * Records the files a run found in its inbox, unless an earlier attempt of the run recorded its own list; returns
 * the list that stands (the first attempt's). An attempt that died after moving files out of the inbox is retried
 * on the same files in the same order, so it writes the same raw parts.
 */
export async function claimInboxListing(db: CommonQueryMethods, run: DatasetRunRef, files: readonly string[]): Promise<readonly string[]> {
  const listing = await db.one(sql.type(row)`
    WITH claimed AS (
      INSERT INTO platform.inbox_listings (run_id, source, dataset, files)
      VALUES (${run.runId}, ${run.source}, ${run.dataset}, ${sql.array([...files], 'text')})
      ON CONFLICT (run_id) DO NOTHING
      RETURNING files
    )
    SELECT files FROM claimed
    UNION ALL
    SELECT files FROM platform.inbox_listings WHERE run_id = ${run.runId}
    LIMIT 1`);
  return listing.files;
}
