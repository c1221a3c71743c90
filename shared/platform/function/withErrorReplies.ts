import type { FunctionContext, FunctionEvent, FunctionHandler } from '#template/functionContract.ts';
import { createLogger, type Logger } from '../log.ts';
import { toErrorResponse } from './toErrorResponse.ts';

/**
 * Wraps a platform handler so that it never throws to the template: a thrown error becomes its
 * reply here (`toErrorResponse`: the PlatformError's status and code, translated driver errors,
 * redacted strings, `Retry-After` for transient ones), answered through `context.fail` with that
 * status. A 5xx is logged with the error and its cause, a 4xx with its code.
 */
export function withErrorReplies(handler: FunctionHandler, options: { readonly log?: Logger } = {}): FunctionHandler {
  return async (event: FunctionEvent, context: FunctionContext) => {
    try {
      return await handler(event, context);
    } catch (error) {
      const response = toErrorResponse(error);
      const log = options.log ?? createLogger();
      const fields = { method: event.method, path: event.path, status: response.status, call_id: event.headers['x-call-id'] };
      if (response.status >= 500) log.error('function.failed', { ...fields, error: response.error });
      else log.info('function.refused', { ...fields, code: response.error.code });
      context.status(response.status).headers(response.headers).fail(response.body);
      return undefined;
    }
  };
}
