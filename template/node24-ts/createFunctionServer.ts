import http from 'node:http';

import { PlatformError } from '../../shared/platform/errors.ts';
import { createLogger, type Logger } from '../../shared/platform/log.ts';
import type { FunctionEvent, FunctionHandler } from '../../shared/platform/function/functionContract.ts';
import { toErrorResponse, type ErrorResponse } from '../../shared/platform/function/toErrorResponse.ts';
import { createFunctionContext, type FunctionOutcome } from './createFunctionContext.ts';
import { parseEventBody } from './parseEventBody.ts';

export type CreateFunctionServerOptions = {
  readonly handler: FunctionHandler;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  readonly bodyLimitBytes: number;
  readonly log?: Logger;
};

type Reply = { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: Buffer };

const JSON_TYPE = 'application/json; charset=utf-8';

function hasHeader(headers: Readonly<Record<string, string>>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function errorReply(response: ErrorResponse, extraHeaders: Readonly<Record<string, string>> = {}): Reply {
  return { status: response.status, headers: { ...extraHeaders, ...response.headers, 'content-type': JSON_TYPE }, body: Buffer.from(JSON.stringify(response.body)) };
}

/** Serialises a handler's value: objects, arrays, numbers and booleans as JSON, strings as text, Buffers as bytes. */
function valueReply(status: number, headers: Readonly<Record<string, string>>, value: unknown): Reply {
  const withType = (type: string): Readonly<Record<string, string>> => (hasHeader(headers, 'content-type') ? headers : { ...headers, 'content-type': type });
  if (value === undefined || value === null) {
    return { status, headers, body: Buffer.alloc(0) };
  }
  if (Buffer.isBuffer(value)) {
    return { status, headers: withType('application/octet-stream'), body: value };
  }
  if (typeof value === 'string') {
    return { status, headers: withType('text/plain; charset=utf-8'), body: Buffer.from(value) };
  }
  return { status, headers: withType(JSON_TYPE), body: Buffer.from(JSON.stringify(value)) };
}

/** What a `fail(value)` answers: errors map like thrown ones; a string or object is the message of `function.failed`. */
function failReply(outcome: Extract<FunctionOutcome, { kind: 'fail' }>): { reply: Reply; error: PlatformError } {
  const { value } = outcome;
  if (value instanceof Error) {
    const response = toErrorResponse(value);
    const status = value instanceof PlatformError || outcome.status === undefined ? response.status : outcome.status;
    return { reply: errorReply({ ...response, status }, outcome.headers), error: response.error };
  }
  const message = typeof value === 'string' ? value : 'The function reported a failure.';
  const error = new PlatformError('function.failed', message, { status: outcome.status ?? 500, context: typeof value === 'object' && value !== null ? { detail: value } : {} });
  return { reply: errorReply(toErrorResponse(error), outcome.headers), error };
}

function parseQuery(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const seen = query[key];
    query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return query;
}

/** Reads the body up to `limit` bytes; resolves null when the body is larger. */
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer | null> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) {
    return Promise.resolve(null);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
      } else if (!over) {
        chunks.push(chunk);
      }
    });
    request.on('end', () => resolve(over ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * The template's HTTP server (what of-watchdog proxies to in http mode, and what the local
 * gateway runs per function): builds the node18 `event` and `context`, calls the handler, and
 * answers JSON with its content type. Thrown errors and `fail()` become a status with a JSON
 * error body (`{"error": {"code", "message", "retryable"}}`) — never a 200, never internals.
 * `GET /_/health` answers without calling the handler.
 */
export function createFunctionServer(options: CreateFunctionServerOptions): http.Server {
  const log = options.log ?? createLogger();
  const server = http.createServer((request, response) => {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://function.local');
    /** Answers, and logs one line for the request: the error in full for a 5xx, its code for a 4xx. */
    const send = (reply: Reply, error?: PlatformError): void => {
      const sendable = request.readableEnded ? reply : { ...reply, headers: { ...reply.headers, connection: 'close' } };
      response.writeHead(sendable.status, { ...sendable.headers, 'content-length': String(sendable.body.length) });
      response.end(sendable.body);
      const fields = { method: request.method, path: url.pathname, status: reply.status, duration_ms: Math.round(performance.now() - started), call_id: request.headers['x-call-id'] };
      if (error !== undefined && reply.status >= 500) log.error('function.failed', { ...fields, error });
      else if (error !== undefined) log.info('function.request', { ...fields, code: error.code });
      else log.info('function.request', fields);
    };

    if (request.method === 'GET' && url.pathname === '/_/health') {
      send(valueReply(200, {}, { status: 'ok' }));
      return;
    }

    void (async () => {
      const raw = await readBody(request, options.bodyLimitBytes);
      if (raw === null) {
        const tooLarge = toErrorResponse(new PlatformError('request.too_large', `The request body is larger than ${options.bodyLimitBytes} bytes; pass references (run id, file keys) instead of data, or raise DP_FUNCTION_BODY_LIMIT_BYTES.`, { status: 413 }));
        send(errorReply(tooLarge), tooLarge.error);
        response.on('finish', () => request.destroy());
        return;
      }
      const event: FunctionEvent = {
        body: parseEventBody(raw, request.headers['content-type']),
        rawBody: raw,
        headers: request.headers,
        method: request.method ?? 'GET',
        query: parseQuery(url),
        path: url.pathname,
      };
      const outcome = await new Promise<FunctionOutcome>((resolve, reject) => {
        const context = createFunctionContext(resolve, () => log.warn('function.settled_twice', { path: url.pathname }));
        Promise.resolve()
          .then(() => options.handler(event, context))
          .then((value) => {
            if (!context.settled()) context.succeed(value);
          }, reject);
      });
      if (outcome.kind === 'succeed') {
        send(valueReply(outcome.status, outcome.headers, outcome.value));
        return;
      }
      const failed = failReply(outcome);
      send(failed.reply, failed.error);
    })().catch((error: unknown) => {
      const mapped = toErrorResponse(error);
      try {
        send(errorReply(mapped), mapped.error);
      } catch {
        // A reply that cannot be serialised (a bigint, a cycle) was already on its way: the socket is the last resort.
        response.destroy();
      }
    });
  });
  return server;
}
