/**
 * A real HTTP server on 127.0.0.1 that records every request it receives (callback receivers,
 * fake peers). `next()` waits for the next request that has not been taken yet.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type RecordedRequest = {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
};

export type HttpRecorder = {
  readonly url: string;
  readonly requests: readonly RecordedRequest[];
  /** The next request not yet returned by next(), waiting up to `timeoutMs` (default 20000) for it. */
  readonly next: (timeoutMs?: number) => Promise<RecordedRequest>;
  readonly close: () => Promise<void>;
};

/** Starts a recording server that answers every request with `status` (default 200). */
export async function startHttpRecorder(status = 200): Promise<HttpRecorder> {
  const requests: RecordedRequest[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(status).end();
      wake?.();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    next: async (timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (requests.length <= taken) {
        if (Date.now() > deadline) throw new Error(`no request arrived within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
      return requests[taken++]!;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
