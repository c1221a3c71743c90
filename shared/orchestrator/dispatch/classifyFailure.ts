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

/** Statuses that say "try later" when the answer carries no error of the function's own: a gateway or watchdog answering 502/503/504, 408, 429, and any other 5xx page. */
function statusMayPass(status: number): boolean {
  return (status >= 500 && status !== 501) || status === 408 || status === 429;
}

/**
 * Turns a failed step answer into the error the run records, and decides whether another attempt may succeed.
 * An error body is the step function's own verdict, and its `retryable` flag decides: the platform's error
 * classes set it (a TransientError — network, 429, upstream 5xx, lock timeouts, lost connections — is
 * retryable; a ValidationError, a ConfigError, a failing model or an upstream 4xx is not), whatever the 5xx
 * status; a refused request (4xx but 408, 429) is final even when its body says otherwise. Only an answer without an error body (a watchdog timeout, a proxy page, a process that died) is
 * judged by its status: 5xx but 501, 408 and 429 may pass. Messages are redacted before they are cut.
 */
export function classifyFailure(answer: FailedAnswer): StepError {
  const status = answer.functionStatus;
  if (answer.error !== undefined) {
    // A refused request (4xx but 408 and 429) stays refused, whatever its body claims.
    const refused = status >= 400 && status < 500 && status !== 408 && status !== 429;
    return {
      code: answer.error.code,
      message: redactAndCut(answer.error.message, MESSAGE_LIMIT),
      retryable: answer.error.retryable && !refused,
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
