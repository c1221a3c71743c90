import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const eventRow = z.object({
  event_id: z.bigint().transform(Number),
  kind: z.string(),
  source: z.string(),
  dataset: z.string(),
  run_id: z.string(),
  payload: z.record(z.string(), z.unknown()),
  created_at: z.date(),
});
/** A data-aware event (silver_changed, gold_changed) with the runs it started or skipped. */
export type RecentEvent = z.output<typeof eventRow>;

/** The newest data-aware events, newest first. */
export async function selectRecentEvents(db: CommonQueryMethods, limit: number): Promise<readonly RecentEvent[]> {
  return db.any(sql.type(eventRow)`
    SELECT event_id, kind, source, dataset, run_id, payload, created_at
    FROM platform.events
    ORDER BY created_at DESC, event_id DESC
    LIMIT ${limit}`);
}
