/**
 * How the orchestrator hands a step chunk to its function. The HTTP implementation
 * (createHttpDispatcher) posts to the gateway's `/async-function/<name>` with a callback URL; tests
 * may pass a dispatcher that records the orders.
 */
import type { StepName } from '#pipeline/pipeline.ts';
import type { StepRequest } from '#pipeline/steps.ts';

/** Which step chunk and attempt a dispatch (and its callback) belongs to. */
export type DispatchTarget = {
  readonly runId: string;
  readonly step: StepName;
  readonly chunk: number;
  readonly attempt: number;
};

export type DispatchOrder = {
  /** The OpenFaaS function that runs the step (`files`, `bronze`, `gold`, …). */
  readonly functionName: string;
  readonly request: StepRequest;
  /** Echoed in the callback URL, so the callback names what it answers. */
  readonly target: DispatchTarget;
};

export type DispatchReceipt = {
  /** The gateway's X-Call-Id, when it sent one. */
  readonly callId: string | undefined;
};

export type Dispatcher = {
  /**
   * Queues the step. Resolves once the gateway accepted it (202); rejects with a PlatformError otherwise:
   * `dispatch.function_not_found` (not retryable) when the function is not deployed, a retryable error for
   * anything that may pass (gateway unreachable, 5xx).
   */
  readonly dispatch: (order: DispatchOrder) => Promise<DispatchReceipt>;
};
