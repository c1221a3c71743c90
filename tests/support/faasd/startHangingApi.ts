/** The faasd suite's stand-in for an upstream API that hangs: the webhook's extract waits on it until of-watchdog cuts the request. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type HangingApi = {
  readonly url: string;
  /** Requests received so far. */
  readonly requests: () => number;
  /** Drops the held request and stops listening. */
  readonly close: () => void;
};

/** An API on the host whose first request never gets an answer (a hung upstream); later ones get two items. */
export async function startHangingApi(address: string): Promise<HangingApi> {
  let requests = 0;
  const held: http.ServerResponse[] = [];
  const server = http.createServer((request, response) => {
    requests += 1;
    if (requests === 1) {
      held.push(response);
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify([{ id: 1, label: 'one' }, { id: 2, label: 'two' }]));
  });
  await new Promise<void>((resolve) => server.listen(0, address, resolve));
  return {
    url: `http://${address}:${(server.address() as AddressInfo).port}`,
    requests: () => requests,
    close: () => {
      for (const response of held) response.destroy();
      server.close();
    },
  };
}
