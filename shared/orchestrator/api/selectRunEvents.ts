import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** A row of platform.events as the run views (and the console) show it. */
export const eventRow = z.object({
  event_id: z.bigint().transform(Number),
  kind: z.string(),
  source: z.string(),
  dataset: z.string(),
  run_id: z.string(),
  payload: z.record(z.string(), z.unknown()),
  created_at: z.date(),
});
/** A data-aware event as the run views show it. */
export type EventView = z.output<typeof eventRow>;

/** The events a run emitted (silver_changed, gold_changed), oldest first. */
export async function selectRunEvents(db: CommonQueryMethods, runId: string): Promise<readonly EventView[]> {
  return db.any(sql.type(eventRow)`
    SELECT event_id, kind, source, dataset, run_id, payload, created_at
    FROM platform.events
    WHERE run_id = ${runId}
    ORDER BY event_id`);
}
