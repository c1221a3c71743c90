/**
 * The local gateway under bad input and at the edges of its life: bodies are limited while they stream (an
 * oversized or unroutable request is answered before the rest of its body is read), requests that arrive
 * before the functions are registered get 503 with Retry-After, and a busy port is one clear line.
 */
import http from 'node:http';
import { createServer, type Server } from 'node:net';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';
import { createLocalGateway, type LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import { freePort } from '#support/freePort.ts';
import { startDp } from '#support/startDp.ts';

const STACK = path.join(projectRoot, 'tests', 'e2e', 'fixtures', 'gateway', 'stack.yml');
const credentials = { user: 'admin', password: 'fixture-password-5f2c' };
const options = { stackFile: STACK, checkBuild: false, credentials, scheduleDriver: null, output: () => undefined, only: ['echo'] };

type Streamed = { status: number; headers: http.IncomingHttpHeaders; sentBytes: number; offeredBytes: number };

/**
 * Streams up to `totalBytes` to the gateway in 64 KB chunks (chunked, or with `content-length` when
 * `declare` is set) and stops sending as soon as an answer arrives: an answer that comes before the whole
 * body was sent proves the gateway did not wait to buffer it.
 */
function streamBody(url: string, totalBytes: number, declare = false): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    let sent = 0;
    let answered = false;
    const request = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: declare ? { 'content-length': String(totalBytes) } : {} }, (response) => {
      answered = true;
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, sentBytes: sent, offeredBytes: totalBytes }));
    });
    request.on('error', (error) => {
      // The gateway may close the connection after answering; what matters is the answer.
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 120);
    const pump = (): void => {
      while (!answered && sent < totalBytes) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once('drain', pump);
          return;
        }
      }
      if (!answered) request.end();
    };
    pump();
  });
}

const limits = suite<{ gateway: LocalGateway }>('gateway limits');

limits.before(async (context) => {
  context.gateway = await createLocalGateway({ ...options, port: 0 });
});
limits.after(async ({ gateway }) => {
  await gateway.close();
});

limits('a request to an unknown function is answered 404 before its body is read', async ({ gateway }) => {
  const answer = await streamBody(`${gateway.url}/function/nope`, 256 * 1024 * 1024);
  assert.is(answer.status, 404);
  assert.ok(answer.sentBytes < answer.offeredBytes, `answered after ${answer.sentBytes} of ${answer.offeredBytes} bytes`);
});

limits('an async body over 1 MB is refused with 413 as it streams, without a content-length too', async ({ gateway }) => {
  const chunked = await streamBody(`${gateway.url}/async-function/echo`, 256 * 1024 * 1024);
  assert.is(chunked.status, 413);
  assert.ok(chunked.sentBytes < chunked.offeredBytes, `answered after ${chunked.sentBytes} of ${chunked.offeredBytes} bytes`);
  const declared = await streamBody(`${gateway.url}/async-function/echo`, 256 * 1024 * 1024, true);
  assert.is(declared.status, 413);
  assert.ok(declared.sentBytes < declared.offeredBytes, 'a declared length over the limit is refused at once');
});

limits('a sync body over DP_GATEWAY_MAX_BODY_BYTES is refused with 413 as it streams; one under it goes through', async ({ gateway }) => {
  const big = await streamBody(`${gateway.url}/function/echo`, 1024 * 1024 * 1024);
  assert.is(big.status, 413);
  assert.ok(big.sentBytes < big.offeredBytes, `answered after ${big.sentBytes} of ${big.offeredBytes} bytes`);
  const fine = await fetch(`${gateway.url}/function/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ hello: 'x'.repeat(100_000) }) });
  assert.is(fine.status, 200);
});

limits('requests that arrive before the functions are registered get 503 with Retry-After, never a 500', async () => {
  const port = await freePort();
  const starting = createLocalGateway({ ...options, port });
  const seen: { status: number; retryAfter: string | null }[] = [];
  let ready = false;
  void starting.then(() => (ready = true), () => (ready = true));
  while (!ready) {
    const answer = await fetch(`http://127.0.0.1:${port}/function/echo`, { method: 'POST', body: '{}' }).catch(() => undefined);
    if (answer !== undefined && !ready) seen.push({ status: answer.status, retryAfter: answer.headers.get('retry-after') });
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const gateway = await starting;
  try {
    assert.ok(seen.length > 0, 'the gateway listens while it starts its functions');
    for (const answer of seen) assert.equal(answer, { status: 503, retryAfter: '1' });
    assert.is((await fetch(`${gateway.url}/function/echo`, { method: 'POST', body: '{}' })).status, 200);
  } finally {
    await gateway.close();
  }
});

limits('a busy port is one clear line naming the port and DP_GATEWAY_PORT, from the API and from `dp gateway`', async () => {
  const port = await freePort();
  const squatter: Server = createServer();
  await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
  try {
    try {
      await createLocalGateway({ ...options, port });
      assert.unreachable('the port is busy');
    } catch (error) {
      assert.is((error as { code?: string }).code, 'gateway.port_busy');
      assert.match((error as Error).message, `port ${port}`);
      assert.match((error as Error).message, 'DP_GATEWAY_PORT');
    }
    const dp = startDp(['gateway', `--port=${port}`, '--only=orchestrator', '--no-schedules'], { DP_LOG_LEVEL: 'error' });
    assert.is(await dp.exited, 1);
    const lines = dp.stderr().trim().split('\n');
    assert.is(lines.length, 1, dp.stderr());
    assert.match(lines[0] ?? '', `dp gateway: port ${port} on 127.0.0.1 is already in use`);
    assert.match(lines[0] ?? '', 'DP_GATEWAY_PORT');
  } finally {
    await new Promise((resolve) => squatter.close(resolve));
  }
});

limits.run();
