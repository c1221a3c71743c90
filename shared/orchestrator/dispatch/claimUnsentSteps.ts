import { z } from 'zod';

import { sql, type DatabasePool } from '#platform/db/sql.ts';
import { STEP_NAMES } from '#pipeline/steps.ts';

const claimedRow = z.object({
  run_id: z.string(),
  step: z.enum(STEP_NAMES),
  chunk: z.number(),
  attempt: z.number(),
  function_name: z.string().nullable(),
  source: z.string(),
  dataset: z.string(),
  previous_checkpoint: z.unknown(),
});
export type ClaimedStep = z.output<typeof claimedRow>;

export type ClaimUnsentOptions = {
  readonly now: Date;
  /** Only these runs (what a callback just decided); default: every running run. */
  readonly runIds?: readonly string[];
  readonly limit: number;
};

/**
 * Claims `dispatched` chunks that are due and not yet sent, by setting `sent_at`: each row is claimed by one
 * sender only (rows another transaction holds are skipped). Returns what the step request needs, with the
 * previous chunk's checkpoint. A sender that dies after claiming leaves a "sent" row without callback, which
 * the tick dispatches again once the callback is overdue.
 */
export async function claimUnsentSteps(pool: DatabasePool, options: ClaimUnsentOptions): Promise<readonly ClaimedStep[]> {
  const now = sql.timestamp(options.now);
  const onlyRuns = options.runIds === undefined ? sql.fragment`` : sql.fragment`AND s.run_id = ANY(${sql.array([...options.runIds], 'text')})`;
  return pool.any(sql.type(claimedRow)`
    WITH due AS (
      SELECT s.run_id, s.step, s.chunk
      FROM platform.run_steps AS s
      JOIN platform.runs AS r USING (run_id)
      WHERE s.status = 'dispatched' AND s.sent_at IS NULL AND r.status = 'running'
        AND (s.next_attempt_at IS NULL OR s.next_attempt_at <= ${now})
        ${onlyRuns}
      ORDER BY s.dispatched_at
      LIMIT ${options.limit}
      FOR UPDATE OF s SKIP LOCKED
    )
    UPDATE platform.run_steps AS s
    SET sent_at = ${now}
    FROM due, platform.runs AS r
    WHERE s.run_id = due.run_id AND s.step = due.step AND s.chunk = due.chunk AND r.run_id = s.run_id
    RETURNING s.run_id, s.step, s.chunk, s.attempt, s.function_name, r.source, r.dataset,
      (SELECT p.checkpoint FROM platform.run_steps AS p WHERE p.run_id = s.run_id AND p.step = s.step AND p.chunk = s.chunk - 1) AS previous_checkpoint`);
}
