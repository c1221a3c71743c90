import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { NewRun } from './newRun.ts';

/** Records a trigger that found the dataset busy: a `skipped` run pointing at the active one, so no trigger is lost from the record. */
export async function insertSkippedRun(db: CommonQueryMethods, run: NewRun, activeRunId: string, now: Date): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO platform.runs (run_id, kind, source, dataset, load, trigger_kind, trigger_detail, metadata_version, status, skipped_for, created_at, finished_at)
    VALUES (${run.runId}, ${run.kind}, ${run.source}, ${run.dataset}, ${run.load}, ${run.trigger},
            ${sql.jsonb(run.triggerDetail)}, ${run.metadataVersion}, 'skipped', ${activeRunId}, ${sql.timestamp(now)}, ${sql.timestamp(now)})`);
}
