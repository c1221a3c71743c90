import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { MergeContext } from './mergeContext.ts';

/**
 * Replaces the run's silver rejects for this dataset in `platform.rejects` with the staged ones, in the
 * merge transaction: a merge that runs again reports its rejects once, a merge that fails none.
 */
export async function moveSilverRejects(tx: CommonQueryMethods, context: MergeContext): Promise<number> {
  const { source, dataset } = context.plan;
  await tx.query(sql.unsafe`DELETE FROM ${context.rejectsTarget} WHERE run_id = ${context.runId} AND source = ${source} AND dataset = ${dataset} AND layer = 'silver'`);
  return tx.oneFirst(sql.type(z.object({ moved: z.bigint() }))`
    WITH moved AS (
      INSERT INTO ${context.rejectsTarget} (run_id, source, dataset, key, key_hash, column_name, value, reason, origin)
      SELECT ${context.runId}, ${source}, ${dataset}, key, key_hash, column_name, value, reason, origin
      FROM ${context.rejects} ORDER BY _seq
      RETURNING 1
    )
    SELECT count(*) AS moved FROM moved`).then(Number);
}
