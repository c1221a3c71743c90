import { z } from 'zod';

import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import type { JsonRecord } from '#pipeline/jsonRecord.ts';

export type NewEvent = {
  readonly kind: 'silver_changed' | 'gold_changed';
  /** The dataset that changed, or `gold` and the model. */
  readonly source: string;
  readonly dataset: string;
  readonly runId: string;
  readonly payload: JsonRecord;
};

/** Records a data-aware event in `platform.events`; a run records each kind once (a second call returns null). */
export async function insertEvent(tx: DatabaseTransactionConnection, event: NewEvent, now: Date): Promise<number | null> {
  const id = await tx.maybeOneFirst(sql.type(z.object({ event_id: z.bigint() }))`
    INSERT INTO platform.events (kind, source, dataset, run_id, payload, created_at)
    VALUES (${event.kind}, ${event.source}, ${event.dataset}, ${event.runId}, ${sql.jsonb(event.payload)}, ${sql.timestamp(now)})
    ON CONFLICT (run_id, kind) DO NOTHING
    RETURNING event_id`);
  return id === null ? null : Number(id);
}
