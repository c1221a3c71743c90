import http from 'node:http';

/** What a function answered. */
export type FunctionReply = {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
};

export type InvokeFunctionOptions = {
  readonly port: number;
  readonly method: string;
  /** Path and query as the function sees them (`/runs?limit=5`). */
  readonly path: string;
  readonly headers: http.OutgoingHttpHeaders;
  readonly body: Buffer;
  /** Milliseconds before the call is cut (the watchdog's exec_timeout, or the gateway's own limit). */
  readonly timeoutMs: number;
};

/** Thrown when a function does not answer within its timeout. */
export class FunctionTimeoutError extends Error {}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'host', 'content-length']);

/** Copies headers a proxy may forward (no hop-by-hop headers, no host or length). */
export function forwardableHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([key, value]) => value !== undefined && !HOP_BY_HOP.has(key.toLowerCase())));
}

/** Calls a function process over loopback HTTP and buffers its answer. */
export function invokeFunction(options: InvokeFunctionOptions): Promise<FunctionReply> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: options.port, method: options.method, path: options.path, headers: { ...options.headers, 'content-length': String(options.body.length) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', reject);
      },
    );
    // A deadline for the whole call, not an idle timeout: a function that trickles bytes is cut all the same.
    // Destroying the request closes the connection, as the watchdog's cancelled request does; the process lives on.
    const timer = setTimeout(() => request.destroy(new FunctionTimeoutError(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', reject);
    request.end(options.body);
  });
}
