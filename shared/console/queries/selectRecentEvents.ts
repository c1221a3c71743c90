import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { eventRow, type EventView } from '#orchestrator/api/selectRunEvents.ts';

/** The newest data-aware events (silver_changed, gold_changed) with the runs they started or skipped, newest first. */
export async function selectRecentEvents(db: CommonQueryMethods, limit: number): Promise<readonly EventView[]> {
  return db.any(sql.type(eventRow)`
    SELECT event_id, kind, source, dataset, run_id, payload, created_at
    FROM platform.events
    ORDER BY created_at DESC, event_id DESC
    LIMIT ${limit}`);
}
