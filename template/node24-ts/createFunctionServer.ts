import http from 'node:http';

import { createFunctionContext, type FunctionOutcome } from './createFunctionContext.ts';
import type { FunctionErrorBody, FunctionEvent, FunctionHandler } from './functionContract.ts';
import { parseEventBody } from './parseEventBody.ts';
import { createServerLog, type ServerLog } from './serverLog.ts';

export type CreateFunctionServerOptions = {
  readonly handler: FunctionHandler;
  /** Largest request body accepted, in bytes; larger ones get 413. */
  readonly bodyLimitBytes: number;
  /**
   * Path prefixes whose body is not parsed (the handler module's `rawBodyPaths` export): `event.body` is the
   * bytes as received, and a body that does not match its content type is not refused. For routes that only
   * check a signature over the bytes (webhooks). Default: none.
   */
  readonly rawBodyPaths?: readonly string[];
  /** Default: JSON lines on stdout at info level. */
  readonly log?: ServerLog;
};

type Reply = { readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: Buffer };

const JSON_TYPE = 'application/json; charset=utf-8';
const GENERIC_MESSAGE = 'The function failed unexpectedly; the function log has the details (faas-cli logs <function>).';

function hasHeader(headers: Readonly<Record<string, string>>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function errorReply(status: number, body: FunctionErrorBody, headers: Readonly<Record<string, string>> = {}): Reply {
  return { status, headers: { ...headers, 'content-type': JSON_TYPE }, body: Buffer.from(JSON.stringify(body)) };
}

function refusal(status: number, code: string, message: string, headers?: Readonly<Record<string, string>>): Reply {
  return errorReply(status, { error: { code, message, retryable: false } }, headers);
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

/** True for a value already in the contract's error shape (a handler that builds its own error replies). */
function isErrorBody(value: unknown): value is FunctionErrorBody {
  const error = typeof value === 'object' && value !== null ? (value as { error?: unknown }).error : undefined;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && typeof (error as { message?: unknown }).message === 'string';
}

/**
 * What `fail(value)` answers, with the status set before (500 when none): an error body passes as
 * it is; a string is the message of `function.failed`; an Error never shows its message (it may
 * hold internals) — the log line has it.
 */
function failReply(outcome: Extract<FunctionOutcome, { kind: 'fail' }>): Reply {
  const { value, headers } = outcome;
  const status = outcome.status !== undefined && outcome.status >= 400 && outcome.status <= 599 ? outcome.status : 500;
  if (isErrorBody(value)) return errorReply(status, value, headers);
  if (typeof value === 'string') return refusal(status, 'function.failed', value, headers);
  return refusal(status, 'function.failed', GENERIC_MESSAGE, headers);
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
 * answers its value with a content type. The template's own replies are last resorts, always a
 * JSON error body (`{"error": {"code", "message", "retryable"}}`): 413 `request.too_large`,
 * 400 `request.invalid_json`, `fail()` as `function.failed`, and a thrown error as a 500
 * `internal` that shows nothing of it (the log line does). Handlers that know their errors
 * answer them themselves. `GET /_/health` answers without calling the handler.
 */
export function createFunctionServer(options: CreateFunctionServerOptions): http.Server {
  const log = options.log ?? createServerLog({ level: 'info', fn: 'function' });
  return http.createServer((request, response) => {
    const started = performance.now();
    const url = new URL(request.url ?? '/', 'http://function.local');
    /** Answers, and logs one line for the request (plus the error, when the handler threw). */
    const send = (reply: Reply, thrown?: unknown): void => {
      const sendable = request.readableEnded ? reply : { ...reply, headers: { ...reply.headers, connection: 'close' } };
      response.writeHead(sendable.status, { ...sendable.headers, 'content-length': String(sendable.body.length) });
      response.end(sendable.body);
      const fields = { method: request.method, path: url.pathname, status: reply.status, duration_ms: Math.round(performance.now() - started), call_id: request.headers['x-call-id'] };
      if (thrown !== undefined) log('error', 'function.failed', { ...fields, error: thrown });
      else log('info', 'function.request', fields);
    };

    if (request.method === 'GET' && url.pathname === '/_/health') {
      send(valueReply(200, {}, { status: 'ok' }));
      return;
    }

    void (async () => {
      const raw = await readBody(request, options.bodyLimitBytes);
      if (raw === null) {
        send(refusal(413, 'request.too_large', `The request body is larger than ${options.bodyLimitBytes} bytes; pass references (run id, file keys) instead of data, or raise DP_FUNCTION_BODY_LIMIT_BYTES.`));
        response.on('finish', () => request.destroy());
        return;
      }
      const rawOnly = (options.rawBodyPaths ?? []).some((prefix) => url.pathname.startsWith(prefix));
      const parsed = rawOnly ? { ok: true as const, body: raw.length === 0 ? undefined : raw } : parseEventBody(raw, request.headers['content-type']);
      if (!parsed.ok) {
        send(refusal(400, 'request.invalid_json', parsed.message));
        return;
      }
      const event: FunctionEvent = { body: parsed.body, rawBody: raw, headers: request.headers, method: request.method ?? 'GET', query: parseQuery(url), path: url.pathname };
      const outcome = await new Promise<FunctionOutcome>((resolve, reject) => {
        const context = createFunctionContext(resolve, () => log('warn', 'function.settled_twice', { path: url.pathname }));
        Promise.resolve()
          .then(() => options.handler(event, context))
          .then((value) => {
            if (!context.settled()) context.succeed(value);
          }, reject);
      });
      if (outcome.kind === 'succeed') {
        send(valueReply(outcome.status, outcome.headers, outcome.value));
      } else {
        send(failReply(outcome), outcome.value instanceof Error ? outcome.value : undefined);
      }
    })().catch((error: unknown) => {
      try {
        send(refusal(500, 'internal', GENERIC_MESSAGE), error);
      } catch {
        // A reply that cannot be serialised (a bigint, a cycle) was already on its way: the socket is the last resort.
        response.destroy();
      }
    });
  });
}
