import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { StepKey } from './stepRow.ts';

/**
 * A step function claims a chunk before it works on it: the row becomes `running` with a fresh start time.
 * A `dispatched` row keeps its attempt (the orchestrator counted it); a `failed` row, or a `running` one whose
 * claim is older than `leaseMs` (its process died, as far as anyone can tell), gets the next attempt. A row
 * that is `succeeded`, or `running` within its lease, is not claimed: null.
 */
export async function claimStep(db: CommonQueryMethods, key: StepKey, leaseMs: number): Promise<{ readonly attempt: number } | null> {
  return db.maybeOne(sql.type(z.object({ attempt: z.number().int() }))`
    INSERT INTO platform.run_steps (run_id, step, chunk, status, started_at)
    VALUES (${key.runId}, ${key.step}, ${key.chunk}, 'running', now())
    ON CONFLICT (run_id, step, chunk) DO UPDATE
      SET status = 'running', started_at = now(), finished_at = NULL, error = NULL,
          attempt = CASE WHEN run_steps.status = 'dispatched' THEN run_steps.attempt ELSE run_steps.attempt + 1 END
      WHERE run_steps.status IN ('dispatched', 'failed')
         OR (run_steps.status = 'running' AND run_steps.started_at < now() - ${leaseMs} * interval '1 millisecond')
    RETURNING attempt`);
}
