import { PlatformError, TransientError } from '#platform/errors.ts';
import { encodeSuperjson } from '#platform/function/superjsonBody.ts';
import { redactAndCut } from '#platform/redact.ts';
import type { DispatchOrder, Dispatcher, DispatchTarget } from './dispatcher.ts';

export type HttpDispatcherOptions = {
  /** Gateway base URL the async invocations go to (DP_GATEWAY_URL). */
  readonly gatewayUrl: string;
  /** Base URL the queue-worker calls back (DP_CALLBACK_BASE_URL); the orchestrator is `<base>/function/orchestrator`. */
  readonly callbackBaseUrl: string;
  /** Milliseconds to wait for the gateway's 202. Default 10000. */
  readonly timeoutMs?: number;
};

/** The callback URL of one dispatch: `<base>/function/orchestrator/callback?run=&step=&chunk=&attempt=`. */
export function callbackUrlFor(callbackBaseUrl: string, target: DispatchTarget): string {
  const query = new URLSearchParams({ run: target.runId, step: target.step, chunk: String(target.chunk), attempt: String(target.attempt) });
  return `${callbackBaseUrl.replace(/\/+$/, '')}/function/orchestrator/callback?${query.toString()}`;
}

/**
 * Dispatches steps through an OpenFaaS gateway: `POST <gateway>/async-function/<function>` with the
 * superjson step request and `X-Callback-Url`, and returns the gateway's `X-Call-Id`.
 */
export function createHttpDispatcher(options: HttpDispatcherOptions): Dispatcher {
  const gatewayUrl = options.gatewayUrl.replace(/\/+$/, '');
  return {
    dispatch: async (order: DispatchOrder) => {
      const url = `${gatewayUrl}/async-function/${encodeURIComponent(order.functionName)}`;
      const where = `Dispatching ${order.target.step} of run ${order.target.runId} (chunk ${order.target.chunk}, attempt ${order.target.attempt}) to ${order.functionName}`;
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-callback-url': callbackUrlFor(options.callbackBaseUrl, order.target) },
          body: JSON.stringify(encodeSuperjson(order.request)),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        throw new TransientError('dispatch.unreachable', `${where} failed: the gateway at ${gatewayUrl} did not answer; check DP_GATEWAY_URL and that the gateway runs.`, { cause: error });
      }
      const text = redactAndCut((await response.text()).trim(), 300);
      if (response.status === 404) {
        throw new PlatformError('dispatch.function_not_found', `${where} failed: the gateway has no function ${order.functionName}; deploy it (faas-cli up) or fix the source's connector in metadata.`, { status: 404, context: { function: order.functionName } });
      }
      if (response.status < 200 || response.status >= 300) {
        // A 4xx (a body over the queue's limit, a refused request) fails again the same way; 5xx, 408 and 429 may pass later.
        const retryable = response.status >= 500 || response.status === 408 || response.status === 429;
        throw new PlatformError('dispatch.refused', `${where} failed: the gateway answered ${response.status}${text === '' ? '' : ` (${text})`}.`, { retryable, status: 502, context: { status: response.status } });
      }
      return { callId: response.headers.get('x-call-id') ?? undefined };
    },
  };
}
