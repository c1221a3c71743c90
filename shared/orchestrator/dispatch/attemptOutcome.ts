import { redact } from '#platform/redact.ts';
import type { StepRow } from '#pipeline/runStore/stepRow.ts';
import { stepOutcomeOfRow } from '#pipeline/runStore/stepOutcomeOfRow.ts';
import type { StepOutcome } from '#pipeline/steps.ts';
import type { StepError } from './classifyFailure.ts';

/** What an attempt of a step chunk came to, from its callback or from the row the step wrote. */
export type AttemptOutcome =
  | { readonly kind: 'success'; readonly attempt: number; readonly outcome: StepOutcome; readonly durationMs: number | undefined }
  | { readonly kind: 'failure'; readonly attempt: number; readonly error: StepError };

/** What the orchestrator did with an outcome; the reply of a callback says it. */
export type OutcomeAction = 'continued' | 'advanced' | 'run_succeeded' | 'retry_scheduled' | 'run_failed';

/**
 * The outcome a step recorded in its row (runStepOnce), for an attempt whose callback never came or got lost:
 * its success, or its failure (a row without an error body counts as a retryable failure).
 */
export function attemptOutcomeOfRow(step: StepRow, attempt: number): AttemptOutcome {
  if (step.status === 'succeeded') {
    return { kind: 'success', attempt, outcome: stepOutcomeOfRow(step), durationMs: undefined };
  }
  const error = step.error !== null
    ? { code: step.error.code, message: redact(step.error.message), retryable: step.error.retryable }
    : { code: 'step.failed', message: `The ${step.step} step recorded a failure without an error body.`, retryable: true };
  return { kind: 'failure', attempt, error };
}
