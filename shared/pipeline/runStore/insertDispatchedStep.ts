import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { StepKey } from './stepRow.ts';

export type DispatchedStep = StepKey & {
  /** The OpenFaaS function that runs the chunk (pipeline.ts functionOfStep). */
  readonly functionName: string;
  /** Not sent before this time (the previous chunk's `resumeAt`); null sends it right after the commit. */
  readonly notBefore: Date | null;
};

/**
 * Writes a step chunk as `dispatched`, attempt 1, not yet sent: the outbox row that is sent after the
 * transaction commits (or by the tick, when the process died in between). A row the step function created
 * on its own (a chunk started by hand) keeps its state and only learns its function.
 */
export async function insertDispatchedStep(db: CommonQueryMethods, step: DispatchedStep, now: Date): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO platform.run_steps (run_id, step, chunk, status, attempt, function_name, dispatched_at, next_attempt_at)
    VALUES (${step.runId}, ${step.step}, ${step.chunk}, 'dispatched', 1, ${step.functionName}, ${sql.timestamp(now)},
            ${step.notBefore === null ? null : sql.timestamp(step.notBefore)})
    ON CONFLICT (run_id, step, chunk) DO UPDATE SET function_name = EXCLUDED.function_name`);
}
