import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { stepRowSchema, type StepRow } from './runRecords.ts';

export type StepRef = {
  readonly runId: string;
  /** `extract`, `bronze`, `silver`, `gold`… */
  readonly step: string;
  /** Continuation number. Default: 0. */
  readonly chunk?: number;
};

/**
 * Marks a step chunk as running, creating its row when the orchestrator did not dispatch it
 * (a direct call). A step started again (a redelivery, a new attempt) clears its previous result.
 */
export async function recordStepStart(connection: CommonQueryMethods, input: StepRef & { readonly attempt?: number; readonly callId?: string }): Promise<StepRow> {
  return connection.one(sql.type(stepRowSchema)`
    INSERT INTO platform.run_steps (run_id, step, chunk, status, attempt, call_id, started_at)
    VALUES (${input.runId}, ${input.step}, ${input.chunk ?? 0}, 'running', ${input.attempt ?? 1}, ${input.callId ?? null}, now())
    ON CONFLICT (run_id, step, chunk) DO UPDATE SET
      status = 'running',
      attempt = greatest(platform.run_steps.attempt, excluded.attempt),
      call_id = coalesce(excluded.call_id, platform.run_steps.call_id),
      started_at = now(), finished_at = NULL, duration_ms = NULL, error = NULL
    RETURNING *`);
}
