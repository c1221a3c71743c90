import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { stepRowSchema, type StepRow } from './stepRow.ts';

export type ClaimUnsentOptions = {
  readonly now: Date;
  /** Only these runs (what a callback just decided); default: every running run. */
  readonly runIds?: readonly string[];
  readonly limit: number;
};

/**
 * Claims `dispatched` chunks of running runs that are due and not yet sent, by setting `sent_at`: each row is
 * claimed by one sender only (rows another transaction holds are skipped). A sender that dies after claiming
 * leaves a "sent" row without callback, which the tick dispatches again once the callback is overdue.
 */
export async function claimUnsentSteps(db: CommonQueryMethods, options: ClaimUnsentOptions): Promise<readonly StepRow[]> {
  const now = sql.timestamp(options.now);
  const onlyRuns = options.runIds === undefined ? sql.fragment`` : sql.fragment`AND s.run_id = ANY(${sql.array([...options.runIds], 'text')})`;
  return db.any(sql.type(stepRowSchema)`
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
    FROM due
    WHERE s.run_id = due.run_id AND s.step = due.step AND s.chunk = due.chunk
    RETURNING s.*`);
}
