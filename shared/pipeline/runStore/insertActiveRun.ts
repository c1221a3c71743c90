import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { NewRun } from './newRun.ts';

/**
 * Records a run as `running`, unless the dataset (or model) already has an active run: the partial unique
 * index `runs_one_active_per_dataset` allows one, so the insert then does nothing and this returns false.
 */
export async function insertActiveRun(db: CommonQueryMethods, run: NewRun, now: Date): Promise<boolean> {
  const inserted = await db.maybeOne(sql.type(z.object({ run_id: z.string() }))`
    INSERT INTO platform.runs (run_id, kind, source, dataset, load, trigger_kind, trigger_detail, metadata_version, status, created_at, started_at)
    VALUES (${run.runId}, ${run.kind}, ${run.source}, ${run.dataset}, ${run.load}, ${run.trigger},
            ${sql.jsonb(run.triggerDetail)}, ${run.metadataVersion}, 'running', ${sql.timestamp(now)}, ${sql.timestamp(now)})
    ON CONFLICT (kind, source, dataset) WHERE status IN ('pending', 'running') DO NOTHING
    RETURNING run_id`);
  return inserted !== null;
}
