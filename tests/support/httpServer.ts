/**
 * A real HTTP server on 127.0.0.1 for tests that talk to an API: every request is recorded
 * (method, path, query, headers, body) and answered by the test's handler.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
};

export type Reply = {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string as is. */
  readonly body?: unknown;
  /** Destroy the socket instead of answering (a network error). */
  readonly drop?: boolean;
};

export type TestServer = {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly close: () => Promise<void>;
};

/** Starts a server whose `handler` returns the reply for each request. */
export async function startTestServer(handler: (request: RecordedRequest, index: number) => Reply | Promise<Reply>): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://127.0.0.1');
      const recorded: RecordedRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: incoming.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      Promise.resolve(handler(recorded, requests.length - 1))
        .then((reply) => {
          if (reply.drop === true) {
            response.socket?.destroy();
            return;
          }
          const isText = typeof reply.body === 'string';
          const body = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
          response.writeHead(reply.status ?? 200, { ...(reply.body !== undefined && !isText ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...reply.headers });
          response.end(body);
        })
        .catch((error: unknown) => {
          response.writeHead(599);
          response.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
