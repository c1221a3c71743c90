import type { Logger } from '#platform/log.ts';
import { forwardableHeaders, type FunctionReply } from './invokeFunction.ts';

export type PostCallbackOptions = {
  readonly url: string;
  readonly reply: FunctionReply;
  readonly functionName: string;
  readonly callId: string;
  readonly durationSeconds: number;
  readonly log: Logger;
  /** Milliseconds to wait for the receiver. Default 30000. */
  readonly timeoutMs?: number;
};

/**
 * Posts an async invocation's result to its X-Callback-Url the way the queue-worker does: the
 * function's body and headers plus X-Function-Status, X-Function-Name, X-Call-Id and
 * X-Duration-Seconds — once, with no retry; a failed callback is only logged.
 */
export async function postCallback(options: PostCallbackOptions): Promise<void> {
  const headers = new Headers();
  for (const [key, value] of Object.entries(forwardableHeaders(options.reply.headers))) {
    if (key.toLowerCase() === 'date') continue;
    headers.set(key, Array.isArray(value) ? value.join(', ') : String(value));
  }
  headers.set('X-Function-Status', String(options.reply.status));
  headers.set('X-Function-Name', options.functionName);
  headers.set('X-Call-Id', options.callId);
  headers.set('X-Duration-Seconds', options.durationSeconds.toFixed(6));
  try {
    const response = await fetch(options.url, { method: 'POST', headers, body: options.reply.body, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
    await response.arrayBuffer();
    options.log.info('gateway.callback_posted', { call_id: options.callId, status: response.status });
  } catch (error) {
    options.log.warn('gateway.callback_failed', { call_id: options.callId, url: options.url, error });
  }
}
