import { ValidationError } from '#platform/errors.ts';
import { lockRun } from '#pipeline/runStore/lockRun.ts';
import { lockStep } from '#pipeline/runStore/lockStep.ts';
import type { StepRow } from '#pipeline/runStore/stepRow.ts';
import { outcomeOfResult } from '#pipeline/steps.ts';
import type { OrchestratorReply, StepCallback } from '../api/orchestratorApi.ts';
import { applyStepOutcome } from './applyStepOutcome.ts';
import { attemptOutcomeOfRow, type AttemptOutcome, type OutcomeAction } from './attemptOutcome.ts';
import { classifyFailure } from './classifyFailure.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import { sendUnsentSteps } from './sendUnsentSteps.ts';

type Decision =
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'in_progress' }
  | { readonly kind: 'applied'; readonly action: OutcomeAction; readonly runIds: readonly string[]; readonly attempt: number };

/** The attempt a callback answers: from its URL, else from the result, else the row's when the call id matches. */
function attemptOf(callback: StepCallback, step: StepRow): number | undefined {
  if (callback.target?.attempt !== undefined) return callback.target.attempt;
  if (callback.result?.attempt !== undefined) return callback.result.attempt;
  return step.call_id === null || step.call_id === callback.callId ? step.attempt : undefined;
}

function outcomeOf(callback: StepCallback, step: StepRow, attempt: number): AttemptOutcome {
  const ok = callback.functionStatus >= 200 && callback.functionStatus < 300;
  const { result } = callback;
  if (ok && result !== undefined) {
    return { kind: 'success', attempt, outcome: outcomeOfResult(result), durationMs: result.durationMs };
  }
  // The step recorded its success but the answer got lost on the way (a watchdog timeout after the commit,
  // a body that did not parse): the row is the truth.
  if (step.status === 'succeeded') {
    return attemptOutcomeOfRow(step, attempt);
  }
  return { kind: 'failure', attempt, error: classifyFailure(callback) };
}

/**
 * Takes a queue-worker callback: in one transaction that locks the run and the step chunk, a callback for a
 * run that is no longer running, for an older attempt, or for an attempt already handled is ignored (200);
 * `409 step.in_progress` means another invocation holds the chunk and will report; anything else is the
 * attempt's outcome (applyStepOutcome). What it decided to dispatch is sent after the commit.
 */
export async function handleCallback(context: OrchestratorContext, callback: StepCallback): Promise<OrchestratorReply> {
  const target = callback.target;
  if (target === undefined) {
    throw new ValidationError('callback.no_target', 'The callback URL has no run, step and chunk; the orchestrator dispatches with X-Callback-Url …/callback?run=<id>&step=<step>&chunk=<n>&attempt=<a>.');
  }
  const decision = await context.pool.transaction(async (tx): Promise<Decision> => {
    const run = await lockRun(tx, target.runId);
    if (run === null) return { kind: 'ignored', reason: 'no such run' };
    if (run.status !== 'running') return { kind: 'ignored', reason: `the run is ${run.status}` };
    const step = await lockStep(tx, target);
    if (step === null) return { kind: 'ignored', reason: 'no such step chunk' };
    const attempt = attemptOf(callback, step);
    if (attempt === undefined) return { kind: 'ignored', reason: 'the call id belongs to another attempt' };
    if (attempt < step.attempt) return { kind: 'ignored', reason: `attempt ${attempt} was superseded by attempt ${step.attempt}` };
    if (attempt > step.attempt) return { kind: 'ignored', reason: `attempt ${attempt} was never dispatched (the chunk is at attempt ${step.attempt})` };
    if (step.handled_attempt === step.attempt) return { kind: 'ignored', reason: 'duplicate: this attempt was already handled' };
    if (callback.result !== undefined && (callback.result.runId !== target.runId || callback.result.step !== target.step || callback.result.chunk !== target.chunk)) {
      return { kind: 'ignored', reason: `the result is for ${callback.result.runId} ${callback.result.step}#${callback.result.chunk}, not for this callback URL` };
    }
    if (callback.functionStatus === 409 && callback.error?.code === 'step.in_progress') return { kind: 'in_progress' };
    const applied = await applyStepOutcome(tx, context, run, step, outcomeOf(callback, step, attempt));
    return { kind: 'applied', action: applied.action, runIds: applied.runIds, attempt };
  });

  const where = { run_id: target.runId, step: target.step, chunk: target.chunk };
  if (decision.kind === 'ignored') {
    context.log.info('callback.ignored', { ...where, call_id: callback.callId, reason: decision.reason });
    return { status: 200, body: { outcome: 'ignored', reason: decision.reason, ...where } };
  }
  if (decision.kind === 'in_progress') {
    return { status: 200, body: { outcome: 'in_progress', ...where } };
  }
  if (decision.runIds.length > 0) {
    await sendUnsentSteps(context, { runIds: decision.runIds });
  }
  return { status: 200, body: { outcome: decision.action, ...where, attempt: decision.attempt } };
}
