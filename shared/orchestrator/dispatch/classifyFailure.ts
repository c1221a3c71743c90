import { redactAndCut } from '#platform/redact.ts';

/** A step failure as recorded in `run_steps.error` and, when it ends the run, `runs.error`. */
export type StepError = {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
  /** The step function's HTTP status, when it answered. */
  readonly status?: number;
};

export type FailedAnswer = {
  /** The step function's HTTP status (the queue-worker's X-Function-Status). */
  readonly functionStatus: number;
  /** The error body `{ error: { code, message, retryable } }`, when the answer had one. */
  readonly error: { readonly code: string; readonly message: string; readonly retryable: boolean } | undefined;
  /** The answer as text when it was not an error body (a watchdog timeout, a proxy page). */
  readonly unparsed: string | undefined;
};

const MESSAGE_LIMIT = 1000;

/** Statuses that say "try later": every 5xx except 501 (not implemented), and 408/429. */
function statusMayPass(status: number): boolean {
  return (status >= 500 && status !== 501) || status === 408 || status === 429;
}

/**
 * Turns a failed step answer into the error the run records, and decides whether another attempt may
 * succeed: the error's own `retryable` flag, or a status that says so (5xx but 501, 408, 429). A 4xx (bad
 * input, a refused request), 501 (not implemented) and validation errors are final. Messages are redacted.
 */
export function classifyFailure(answer: FailedAnswer): StepError {
  const status = answer.functionStatus;
  if (answer.error !== undefined) {
    const final = (status >= 400 && status < 500 && status !== 408 && status !== 429) || status === 501;
    return {
      code: answer.error.code,
      message: redactAndCut(answer.error.message, MESSAGE_LIMIT),
      retryable: !final && (answer.error.retryable || statusMayPass(status)),
      status,
    };
  }
  if (status >= 200 && status < 300) {
    return {
      code: 'step.bad_result',
      message: `The step answered ${status} with a body that is not a step result${answer.unparsed === undefined ? ' (empty)' : `: ${redactAndCut(answer.unparsed, 200)}`}; step functions answer a StepResult (docs/functions.md, "Step contract").`,
      retryable: false,
      status,
    };
  }
  const text = answer.unparsed === undefined ? '' : `: ${redactAndCut(answer.unparsed.trim(), 200)}`;
  const code = status === 503 ? 'step.unreachable' : status === 502 || status === 504 ? 'step.timeout' : `step.http_${status}`;
  return { code, message: `The step function answered ${status} without an error body${text}.`, retryable: statusMayPass(status), status };
}
