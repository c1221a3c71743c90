import type { DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { nextStepOf } from '#pipeline/pipeline.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { insertDispatchedStep } from '#pipeline/runStore/insertDispatchedStep.ts';
import { markStepHandled } from '#pipeline/runStore/markStepHandled.ts';
import { recordFailureHandled } from '#pipeline/runStore/recordFailureHandled.ts';
import { recordStepSuccess } from '#pipeline/runStore/recordStepSuccess.ts';
import type { RunRow } from '#pipeline/runStore/runRow.ts';
import type { StepRow } from '#pipeline/runStore/stepRow.ts';
import type { AttemptOutcome, OutcomeAction } from './attemptOutcome.ts';
import { computeBackoff } from './computeBackoff.ts';
import { completeRun } from '../runs/completeRun.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';

export type AppliedOutcome = {
  readonly action: OutcomeAction;
  /** Runs whose unsent steps should be sent after the commit (this run and the runs it started). */
  readonly runIds: readonly string[];
};

/**
 * The state machine: acts on one attempt's outcome, in the transaction that holds the run's and the step's
 * locks. A success is recorded (unless the row already holds it) and writes the next chunk (continue, not
 * before the outcome's `resumeAt`), the next step of the pipeline (done), or completes the run (after its last
 * step, or after a step that found nothing new); a failure schedules the next attempt with backoff while
 * attempts are left and the error is retryable, and fails the run otherwise.
 */
export async function applyStepOutcome(tx: DatabaseTransactionConnection, context: OrchestratorContext, run: RunRow, step: StepRow, attempt: AttemptOutcome): Promise<AppliedOutcome> {
  const nowMs = context.now();
  const now = new Date(nowMs);
  const key = { runId: step.run_id, step: step.step, chunk: step.chunk };
  const log = context.log.child({ run_id: run.run_id, step: step.step, chunk: step.chunk, attempt: attempt.attempt });

  if (attempt.kind === 'failure') {
    const { error } = attempt;
    if (error.retryable && attempt.attempt < context.config.maxAttempts) {
      const retryAt = new Date(nowMs + computeBackoff(attempt.attempt, { baseMs: context.config.retryBaseMs, maxMs: context.config.retryMaxMs }));
      await recordFailureHandled(tx, key, attempt.attempt, error, retryAt, now);
      log.warn('step.retry_scheduled', { code: error.code, retry_at: retryAt.toISOString() });
      return { action: 'retry_scheduled', runIds: [run.run_id] };
    }
    await recordFailureHandled(tx, key, attempt.attempt, error, null, now);
    const why = error.retryable ? `after ${attempt.attempt} attempts` : 'with an error a retry cannot fix';
    await finishRun(tx, run.run_id, { status: 'failed', error: { ...error, step: step.step, chunk: step.chunk, attempt: attempt.attempt, message: `${step.step} (chunk ${step.chunk}) failed ${why}: ${error.message}` } }, now);
    log.error('run.failed', { code: error.code, retryable: error.retryable });
    return { action: 'run_failed', runIds: [] };
  }

  const { outcome } = attempt;
  // The step function records its outcome itself (runStepOnce); a row that does not hold it yet takes the callback's.
  if (step.status !== 'succeeded') {
    await recordStepSuccess(tx, key, { attempt: attempt.attempt, outcome, durationMs: attempt.durationMs ?? null, finishedAt: now });
  }
  await markStepHandled(tx, key, attempt.attempt);

  if (outcome.status === 'continue') {
    const notBefore = outcome.resumeAt !== undefined && outcome.resumeAt > nowMs ? new Date(outcome.resumeAt) : null;
    await insertDispatchedStep(tx, { ...key, chunk: step.chunk + 1, functionName: step.function_name ?? step.step, notBefore }, now);
    log.info('step.continued', { next_chunk: step.chunk + 1, ...(notBefore === null ? {} : { not_before: notBefore.toISOString() }) });
    return { action: 'continued', runIds: [run.run_id] };
  }

  const next = nextStepOf(run.kind, step.step, outcome);
  if (next !== null) {
    await insertDispatchedStep(tx, { runId: run.run_id, step: next.step, chunk: 0, functionName: next.functionName, notBefore: null }, now);
    log.info('step.advanced', { next_step: next.step });
    return { action: 'advanced', runIds: [run.run_id] };
  }
  const started = await completeRun(tx, context, run, now);
  return { action: 'run_succeeded', runIds: started };
}
