/**
 * The template's server over real HTTP on 127.0.0.1, with handlers written for the node18 contract.
 * The template knows nothing of the platform: its own replies are the last resorts.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createFunctionServer } from '#template/createFunctionServer.ts';
import type { FunctionHandler } from '#template/functionContract.ts';
import { createServerLog } from '#template/serverLog.ts';

const lines: string[] = [];
const log = createServerLog({ level: 'debug', fn: 'test', sink: (line) => lines.push(line) });

async function serve(handler: FunctionHandler, bodyLimitBytes = 1024): Promise<{ url: string; close: () => Promise<void> }> {
  const server: http.Server = createFunctionServer({ handler, bodyLimitBytes, log });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function withServer(handler: FunctionHandler, run: (url: string) => Promise<void>, bodyLimitBytes?: number): Promise<void> {
  const server = await serve(handler, bodyLimitBytes);
  try {
    await run(server.url);
  } finally {
    await server.close();
  }
}

test('the event carries method, path, query, headers, the parsed body and the raw bytes', async () => {
  let seen: Parameters<FunctionHandler>[0] | undefined;
  await withServer(
    (event) => {
      seen = event;
      return 'ok';
    },
    async (url) => {
      await fetch(`${url}/runs/abc?limit=5&tag=a&tag=b`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-custom': 'yes' }, body: '{"a": [1, 2]}' });
    },
  );
  assert.is(seen!.method, 'POST');
  assert.is(seen!.path, '/runs/abc');
  assert.equal(seen!.query, { limit: '5', tag: ['a', 'b'] });
  assert.is(seen!.headers['x-custom'], 'yes');
  assert.equal(seen!.body, { a: [1, 2] });
  assert.is(seen!.rawBody.toString(), '{"a": [1, 2]}');
});

test('bodies parse like the node18 template: text for text/* and none, form fields, bytes otherwise, undefined when empty', async () => {
  const bodies: unknown[] = [];
  await withServer(
    (event) => {
      bodies.push(event.body);
      return null;
    },
    async (url) => {
      await fetch(url, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' });
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1&x=2&y=3' });
      await fetch(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from([1, 2, 3]) });
      await fetch(url, { method: 'POST' });
    },
  );
  assert.is(bodies[0], 'a,b');
  assert.equal(bodies[1], { x: ['1', '2'], y: '3' });
  assert.ok(Buffer.isBuffer(bodies[2]) && (bodies[2] as Buffer).equals(Buffer.from([1, 2, 3])));
  assert.is(bodies[3], undefined);
});

test('a returned object is JSON with its content type; a string is text; status and headers come from the context', async () => {
  await withServer(
    (event, context) => {
      if (event.path === '/text') return 'plain';
      if (event.path === '/created') {
        context.status(201).headers({ location: '/runs/1' }).succeed({ id: 1 });
        return undefined;
      }
      return { ok: true, list: [1] };
    },
    async (url) => {
      const json = await fetch(url);
      assert.is(json.status, 200);
      assert.is(json.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(await json.json(), { ok: true, list: [1] });
      const text = await fetch(`${url}/text`);
      assert.match(text.headers.get('content-type') ?? '', /^text\/plain/);
      assert.is(await text.text(), 'plain');
      const created = await fetch(`${url}/created`);
      assert.is(created.status, 201);
      assert.is(created.headers.get('location'), '/runs/1');
      assert.equal(await created.json(), { id: 1 });
    },
  );
});

test('a thrown error is a 500 `internal` with a generic message: no stack, no foreign message; the log line keeps the details', async () => {
  lines.length = 0;
  await withServer(
    () => {
      throw new TypeError('Cannot read properties of undefined (reading "x") at /srv/function/handler.js:3');
    },
    async (url) => {
      const response = await fetch(url, { method: 'POST' });
      assert.is(response.status, 500);
      const text = await response.text();
      assert.equal(JSON.parse(text), { error: { code: 'internal', message: 'The function failed unexpectedly; the function log has the details (faas-cli logs <function>).', retryable: false } });
      assert.not.match(text, /Cannot read|handler\.js|TypeError/);
    },
  );
  const failed = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === 'function.failed');
  assert.ok(failed !== undefined, 'a function.failed line');
  assert.is(failed.level, 'error');
  assert.is(failed.fn, 'test');
  assert.is(failed.status, 500);
  assert.match(JSON.stringify(failed.error), /Cannot read properties/);
});

test('a thrown error that carries a status is still a 500: mapping errors is the handler\'s business', async () => {
  await withServer(
    () => {
      throw Object.assign(new Error('Run r9 does not exist.'), { status: 404, code: 'run.not_found' });
    },
    async (url) => {
      const response = await fetch(url);
      assert.is(response.status, 500);
      assert.is(((await response.json()) as { error: { code: string } }).error.code, 'internal');
    },
  );
});

test('a value that cannot be serialised (a bigint) is a 500, not a hung request', async () => {
  await withServer(
    () => ({ big: 1n }),
    async (url) => {
      const response = await fetch(url);
      assert.is(response.status, 500);
    },
  );
});

test('context.fail: a text is the message of function.failed (500 or the status set); an error body passes as it is; an Error shows nothing of itself', async () => {
  await withServer(
    (event, context) => {
      if (event.path === '/teapot') context.status(418).fail('short and stout');
      else if (event.path === '/body') context.status(409).headers({ 'retry-after': '2' }).fail({ error: { code: 'step.in_progress', message: 'Running.', retryable: true } });
      else if (event.path === '/error') context.fail(new Error('password=hunter2'));
      else context.fail('it broke');
    },
    async (url) => {
      const failed = await fetch(url);
      assert.is(failed.status, 500);
      assert.equal(await failed.json(), { error: { code: 'function.failed', message: 'it broke', retryable: false } });
      const teapot = await fetch(`${url}/teapot`);
      assert.is(teapot.status, 418);
      const body = await fetch(`${url}/body`);
      assert.is(body.status, 409);
      assert.is(body.headers.get('retry-after'), '2');
      assert.equal(await body.json(), { error: { code: 'step.in_progress', message: 'Running.', retryable: true } });
      const error = await fetch(`${url}/error`);
      assert.is(error.status, 500);
      assert.not.match(await error.text(), /hunter2/);
    },
  );
});

test('a body over the limit is refused with 413 before the handler runs; invalid JSON is a 400', async () => {
  let calls = 0;
  await withServer(
    () => {
      calls += 1;
      return 'ok';
    },
    async (url) => {
      const large = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: 'x'.repeat(2000) }) });
      assert.is(large.status, 413);
      assert.is(((await large.json()) as { error: { code: string } }).error.code, 'request.too_large');
      const invalid = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
      assert.is(invalid.status, 400);
      assert.is(((await invalid.json()) as { error: { code: string } }).error.code, 'request.invalid_json');
    },
    1024,
  );
  assert.is(calls, 0);
});

test('rawBodyPaths: under those prefixes the body reaches the handler as its bytes, even when it is not the JSON it claims', async () => {
  const seen: unknown[] = [];
  const server: http.Server = createFunctionServer({ handler: (event) => (seen.push(event.body), 'ok'), bodyLimitBytes: 1024, rawBodyPaths: ['/webhooks/'], log });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const raw = await fetch(`${url}/webhooks/github`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'ping, not json' });
    assert.is(raw.status, 200);
    assert.ok(Buffer.isBuffer(seen[0]) && (seen[0] as Buffer).toString() === 'ping, not json');
    const elsewhere = await fetch(`${url}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'ping, not json' });
    assert.is(elsewhere.status, 400, 'other paths still refuse a body that is not the JSON it claims');
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('GET /_/health answers without calling the handler', async () => {
  let calls = 0;
  await withServer(
    () => {
      calls += 1;
      throw new Error('not here');
    },
    async (url) => {
      const response = await fetch(`${url}/_/health`);
      assert.is(response.status, 200);
    },
  );
  assert.is(calls, 0);
});

test.run();
