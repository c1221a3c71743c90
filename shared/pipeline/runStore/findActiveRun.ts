import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { RunKind } from '../pipeline.ts';

/** The id of the dataset's (or model's) `pending`/`running` run, or null. */
export async function findActiveRun(db: CommonQueryMethods, kind: RunKind, source: string, dataset: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ run_id: z.string() }))`
    SELECT run_id FROM platform.runs
    WHERE kind = ${kind} AND source = ${source} AND dataset = ${dataset} AND status IN ('pending', 'running')`);
}
