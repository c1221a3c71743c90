import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { lockRun } from '#pipeline/runStore/lockRun.ts';
import { lockStep } from '#pipeline/runStore/lockStep.ts';
import { markStepHandled } from '#pipeline/runStore/markStepHandled.ts';
import { redispatchStep } from '#pipeline/runStore/redispatchStep.ts';
import type { StepKey, StepRow } from '#pipeline/runStore/stepRow.ts';
import { applyStepOutcome } from './applyStepOutcome.ts';
import { attemptOutcomeOfRow } from './attemptOutcome.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';

/** What the tick did with one chunk. */
export type ReconcileAction = 'none' | 'recovered' | 'redispatched' | 'retried' | 'failed';

export type ReconcileResult = { readonly action: ReconcileAction; readonly runIds: readonly string[] };

function isOverdue(step: StepRow, now: number, context: OrchestratorContext): boolean {
  const overdueBefore = now - context.config.callbackTimeoutMs;
  if (step.status === 'dispatched') {
    return step.sent_at !== null && step.sent_at.getTime() < overdueBefore;
  }
  if (step.status === 'running') {
    // A claim younger than the step lease belongs to an invocation that may still answer.
    const claimedRecently = step.started_at !== null && step.started_at.getTime() >= now - context.config.stepLeaseMs;
    return !claimedRecently && (step.sent_at ?? step.dispatched_at).getTime() < overdueBefore;
  }
  return false;
}

/**
 * The tick's decision for one chunk of a running run, under the run's and the step's locks:
 * - an outcome the step recorded without a callback reporting it is acted on as if the callback came;
 * - a sent attempt whose callback is overdue is dispatched again as a new attempt, or fails the run when the
 *   attempts are used up;
 * - a failed attempt whose backoff has passed is dispatched again.
 */
export async function reconcileStep(context: OrchestratorContext, key: StepKey): Promise<ReconcileResult> {
  return context.pool.transaction(async (tx): Promise<ReconcileResult> => {
    const now = context.now();
    const run = await lockRun(tx, key.runId);
    const step = run?.status === 'running' ? await lockStep(tx, key) : null;
    if (run === null || step === null) return { action: 'none', runIds: [] };
    const log = context.log.child({ run_id: key.runId, step: key.step, chunk: key.chunk, attempt: step.attempt });

    if (step.handled_attempt !== step.attempt) {
      if (step.status === 'succeeded' || step.status === 'failed') {
        const applied = await applyStepOutcome(tx, context, run, step, attemptOutcomeOfRow(step, step.attempt));
        log.info('tick.recovered', { status: step.status, action: applied.action });
        return { action: 'recovered', runIds: applied.runIds };
      }
      if (!isOverdue(step, now, context)) return { action: 'none', runIds: [] };
      if (step.attempt >= context.config.maxAttempts) {
        const seconds = Math.round(context.config.callbackTimeoutMs / 1000);
        const error = {
          code: 'step.callback_timeout',
          message: `${step.step} (chunk ${step.chunk}) sent no callback within ${seconds} s in ${step.attempt} attempts; check that ${step.function_name ?? step.step} is deployed and look at its log (faas-cli logs ${step.function_name ?? step.step}).`,
          retryable: true,
          step: step.step,
          chunk: step.chunk,
          attempt: step.attempt,
        };
        await markStepHandled(tx, key, step.attempt);
        await finishRun(tx, run.run_id, { status: 'failed', error }, new Date(now));
        log.error('run.failed', { code: error.code });
        return { action: 'failed', runIds: [] };
      }
      const attempt = await redispatchStep(tx, key, new Date(now));
      log.warn('tick.redispatched', { reason: 'callback overdue', next_attempt: attempt });
      return { action: 'redispatched', runIds: [run.run_id] };
    }

    if (step.status === 'failed' && step.next_attempt_at !== null && step.next_attempt_at.getTime() <= now) {
      const attempt = await redispatchStep(tx, key, new Date(now));
      log.info('tick.retried', { next_attempt: attempt });
      return { action: 'retried', runIds: [run.run_id] };
    }
    return { action: 'none', runIds: [] };
  });
}
