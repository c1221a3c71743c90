/**
 * Calls a function handler in-process with a node18 event and the template's own context, and
 * returns what the caller would get: status and value (the error body for a `fail`). A platform
 * handler answers its errors itself, so a thrown error is not caught here: the test fails on it.
 */
import type { FunctionEvent, FunctionHandler } from '#template/functionContract.ts';
import { createFunctionContext, type FunctionOutcome } from '#template/createFunctionContext.ts';

export type HandlerAnswer = { readonly status: number; readonly value: unknown };

export async function callHandler(handler: FunctionHandler, event: Partial<FunctionEvent> & { readonly body?: unknown }): Promise<HandlerAnswer> {
  const full: FunctionEvent = {
    method: event.method ?? 'POST',
    path: event.path ?? '/',
    query: event.query ?? {},
    headers: event.headers ?? {},
    body: event.body,
    rawBody: event.rawBody ?? (event.body === undefined ? Buffer.alloc(0) : Buffer.from(typeof event.body === 'string' ? event.body : JSON.stringify(event.body))),
  };
  const outcome = await new Promise<FunctionOutcome>((resolve, reject) => {
    const context = createFunctionContext(resolve, () => undefined);
    Promise.resolve()
      .then(() => handler(full, context))
      .then((value) => {
        if (!context.settled()) context.succeed(value);
      }, reject);
  });
  if (outcome.kind === 'fail') {
    return { status: outcome.status ?? 500, value: outcome.value };
  }
  return { status: outcome.status, value: outcome.value };
}
