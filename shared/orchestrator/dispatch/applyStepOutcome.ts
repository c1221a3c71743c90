import type { DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { commitCursor } from '#pipeline/cursor/commitCursor.ts';
import type { StepName } from '#pipeline/steps.ts';
import { computeBackoff } from './computeBackoff.ts';
import { completeRun } from '../runs/completeRun.ts';
import { finishRun } from '../runs/finishRun.ts';
import { insertDispatchedStep } from './insertDispatchedStep.ts';
import { markStepHandled } from './markStepHandled.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import { recordStepFailure } from './recordStepFailure.ts';
import { recordStepSuccess } from './recordStepSuccess.ts';
import type { RunRecord, StepRecord } from './runRecords.ts';
import type { OutcomeAction, StepOutcome } from './stepOutcome.ts';

/** The step after `step` in a run of this kind; null after the last one. */
export function nextStepOf(kind: 'dataset' | 'gold', step: StepName): StepName | null {
  if (kind === 'gold') return null;
  return step === 'extract' ? 'bronze' : step === 'bronze' ? 'silver' : null;
}

/** When a continuation may start: a connector that must wait for an API (Retry-After) says so in `detail.resumeAt` (epoch ms or ISO time). */
function resumeAtOf(detail: Readonly<Record<string, unknown>>, now: number): Date | null {
  const value = detail.resumeAt;
  const at = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(at) && at > now ? new Date(at) : null;
}

export type AppliedOutcome = {
  readonly action: OutcomeAction;
  /** Runs whose unsent steps should be sent after the commit (this run and the runs it started). */
  readonly runIds: readonly string[];
};

/**
 * The state machine: acts on one attempt's outcome, in the transaction that holds the run's and the step's
 * locks. A success records the result and writes the next chunk (continue), the next step (done), or ends
 * the run (after silver, or after an extract that found nothing new); a failure schedules the next attempt
 * with backoff while attempts are left and the error is retryable, and fails the run otherwise.
 */
export async function applyStepOutcome(tx: DatabaseTransactionConnection, context: OrchestratorContext, run: RunRecord, step: StepRecord, outcome: StepOutcome): Promise<AppliedOutcome> {
  const nowMs = context.now();
  const now = new Date(nowMs);
  const key = { runId: step.run_id, step: step.step, chunk: step.chunk };
  const log = context.log.child({ run_id: run.run_id, step: step.step, chunk: step.chunk, attempt: outcome.attempt });

  if (outcome.kind === 'failure') {
    const { error } = outcome;
    if (error.retryable && outcome.attempt < context.config.maxAttempts) {
      const retryAt = new Date(nowMs + computeBackoff(outcome.attempt, { baseMs: context.config.retryBaseMs, maxMs: context.config.retryMaxMs }));
      await recordStepFailure(tx, key, outcome.attempt, error, retryAt, now);
      log.warn('step.retry_scheduled', { code: error.code, retry_at: retryAt.toISOString() });
      return { action: 'retry_scheduled', runIds: [run.run_id] };
    }
    await recordStepFailure(tx, key, outcome.attempt, error, null, now);
    const why = error.retryable ? `after ${outcome.attempt} attempts` : 'with an error a retry cannot fix';
    await finishRun(tx, run.run_id, { status: 'failed', error: { ...error, step: step.step, chunk: step.chunk, attempt: outcome.attempt, message: `${step.step} (chunk ${step.chunk}) failed ${why}: ${error.message}` } }, now);
    log.error('run.failed', { code: error.code, retryable: error.retryable });
    return { action: 'run_failed', runIds: [] };
  }

  if (outcome.record) {
    await recordStepSuccess(tx, key, { attempt: outcome.attempt, counts: outcome.counts, checkpoint: outcome.checkpoint, detail: outcome.detail, durationMs: outcome.durationMs }, now);
  } else {
    await markStepHandled(tx, key, outcome.attempt);
  }

  if (outcome.status === 'continue') {
    const notBefore = resumeAtOf(outcome.detail, nowMs);
    await insertDispatchedStep(tx, { ...key, chunk: step.chunk + 1, functionName: step.function_name ?? step.step, notBefore }, now);
    log.info('step.continued', { next_chunk: step.chunk + 1, ...(notBefore === null ? {} : { not_before: notBefore.toISOString() }) });
    return { action: 'continued', runIds: [run.run_id] };
  }

  if (step.step === 'extract' && outcome.detail.unchanged === true) {
    // Nothing new at the source: an empty snapshot must not reach silver (a full load would delete every row).
    // The cursor and the files ledger still move, as silver would have moved them.
    await commitCursor(tx, run.run_id);
    await finishRun(tx, run.run_id, { status: 'succeeded' }, now);
    log.info('run.succeeded', { unchanged: true });
    return { action: 'run_succeeded', runIds: [] };
  }

  const next = nextStepOf(run.kind, step.step);
  if (next !== null) {
    await insertDispatchedStep(tx, { runId: run.run_id, step: next, chunk: 0, functionName: next, notBefore: null }, now);
    log.info('step.advanced', { next_step: next });
    return { action: 'advanced', runIds: [run.run_id] };
  }
  const started = await completeRun(tx, context, run, now);
  return { action: 'run_succeeded', runIds: started };
}
