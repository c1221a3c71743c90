import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { StepKey } from './stepRow.ts';

/**
 * Makes the next attempt of a chunk: `dispatched`, attempt + 1, unsent (the sender picks it up). The step
 * function keeps that attempt number when it claims the row, and a late answer of an older attempt can no
 * longer be recorded over it.
 */
export async function redispatchStep(db: CommonQueryMethods, key: StepKey, now: Date): Promise<number> {
  return db.oneFirst(sql.type(z.object({ attempt: z.number().int() }))`
    UPDATE platform.run_steps
    SET status = 'dispatched', attempt = attempt + 1, dispatched_at = ${sql.timestamp(now)}, sent_at = NULL,
        call_id = NULL, next_attempt_at = NULL, started_at = NULL, finished_at = NULL
    WHERE run_id = ${key.runId} AND step = ${key.step} AND chunk = ${key.chunk}
    RETURNING attempt`);
}
