/**
 * A real HTTP proxy in front of the local gateway that can misbehave the way a network and NATS do: drop
 * a callback, lose an async job, or deliver a job twice (same call id, as a NATS redelivery). Functions are
 * pointed at it through DP_GATEWAY_URL and DP_CALLBACK_BASE_URL; everything else passes through unchanged.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxiedRequest = { readonly method: string; readonly path: string; readonly query: URLSearchParams; readonly body: Buffer };

export type GatewayProxy = {
  readonly url: string;
  /** The gateway to forward to (known only once it listens). */
  target: string | undefined;
  /** Answer 200 to a callback without passing it on, when this returns true. */
  dropCallback: ((request: ProxiedRequest) => boolean) | undefined;
  /** Answer 202 to an async invocation without queueing it (the job is lost), when this returns true. */
  loseJob: ((request: ProxiedRequest) => boolean) | undefined;
  /** Queue every async invocation twice with the same call id. */
  deliverTwice: boolean;
  /** What was dropped, lost or delivered twice, in order. */
  readonly interfered: ProxiedRequest[];
  readonly close: () => Promise<void>;
};

async function readBody(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the proxy on 127.0.0.1; set `target` before the first request. */
export async function startGatewayProxy(): Promise<GatewayProxy> {
  const forward = async (request: http.IncomingMessage, body: Buffer, extra: Record<string, string>): Promise<Response> => {
    const headers = new Headers();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value === undefined || ['host', 'content-length', 'connection'].includes(key)) continue;
      headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    for (const [key, value] of Object.entries(extra)) headers.set(key, value);
    return fetch(`${proxy.target}${request.url}`, { method: request.method, headers, ...(request.method === 'GET' || request.method === 'HEAD' ? {} : { body }) });
  };

  const server = http.createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const url = new URL(request.url ?? '/', 'http://proxy.local');
      const seen: ProxiedRequest = { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, body };
      if (url.pathname === '/function/orchestrator/callback' && proxy.dropCallback?.(seen) === true) {
        proxy.interfered.push(seen);
        response.writeHead(200).end();
        return;
      }
      const isJob = url.pathname.startsWith('/async-function/');
      if (isJob && proxy.loseJob?.(seen) === true) {
        proxy.interfered.push(seen);
        response.writeHead(202, { 'x-call-id': randomUUID() }).end();
        return;
      }
      const callId: Record<string, string> = isJob && proxy.deliverTwice ? { 'x-call-id': randomUUID() } : {};
      const answer = await forward(request, body, callId);
      if (isJob && proxy.deliverTwice) {
        proxy.interfered.push(seen);
        await (await forward(request, body, callId)).arrayBuffer();
      }
      const headers: Record<string, string> = {};
      answer.headers.forEach((value, key) => {
        if (!['content-length', 'connection', 'transfer-encoding', 'content-encoding'].includes(key)) headers[key] = value;
      });
      const payload = Buffer.from(await answer.arrayBuffer());
      response.writeHead(answer.status, headers).end(payload);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: GatewayProxy = {
    url: `http://127.0.0.1:${port}`,
    target: undefined,
    dropCallback: undefined,
    loseJob: undefined,
    deliverTwice: false,
    interfered: [],
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  return proxy;
}
