/** The template's server over real HTTP on 127.0.0.1, with handlers written for the node18 contract. */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { PlatformError, TransientError, ValidationError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { registerSecretValue } from '#platform/redact.ts';
import type { FunctionHandler } from '#platform/function/functionContract.ts';
import { createFunctionServer } from '../../../../template/node24-ts/createFunctionServer.ts';

const lines: string[] = [];
const log = createLogger({ level: 'debug', fields: { fn: 'test' }, sink: (line) => lines.push(line) });

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

test('thrown platform errors answer their status with {error: {code, message, retryable}}; TransientError adds Retry-After', async () => {
  await withServer(
    (event) => {
      if (event.path === '/bad') throw new ValidationError('request.invalid', 'runId is missing.');
      if (event.path === '/later') throw new TransientError('source.rate_limited', 'The API asked us to wait.', { retryAfterMs: 2500 });
      throw new PlatformError('step.unavailable', 'Not in this build.', { status: 501 });
    },
    async (url) => {
      const bad = await fetch(`${url}/bad`);
      assert.is(bad.status, 400);
      assert.equal(await bad.json(), { error: { code: 'request.invalid', message: 'runId is missing.', retryable: false } });
      const later = await fetch(`${url}/later`);
      assert.is(later.status, 503);
      assert.is(later.headers.get('retry-after'), '3');
      assert.is(((await later.json()) as { error: { retryable: boolean } }).error.retryable, true);
      const unavailable = await fetch(url);
      assert.is(unavailable.status, 501);
    },
  );
});

test('an unknown error is a 500 with a generic message: no stack, no foreign message; the log keeps the details', async () => {
  lines.length = 0;
  await withServer(
    () => {
      throw new TypeError('Cannot read properties of undefined (reading "x") at /srv/function/handler.js:3');
    },
    async (url) => {
      const response = await fetch(url, { method: 'POST' });
      assert.is(response.status, 500);
      const text = await response.text();
      assert.is((JSON.parse(text) as { error: { code: string } }).error.code, 'internal');
      assert.not.match(text, /Cannot read|handler\.js|TypeError/);
    },
  );
  assert.ok(lines.some((line) => line.includes('function.failed') && line.includes('Cannot read properties')), 'the log line has the cause');
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

test('context.fail answers 500 (or the status set) with the message as function.failed', async () => {
  await withServer(
    (event, context) => {
      if (event.path === '/teapot') context.status(418).fail('short and stout');
      else context.fail('it broke');
    },
    async (url) => {
      const failed = await fetch(url);
      assert.is(failed.status, 500);
      assert.equal(await failed.json(), { error: { code: 'function.failed', message: 'it broke', retryable: false } });
      const teapot = await fetch(`${url}/teapot`);
      assert.is(teapot.status, 418);
    },
  );
});

test('registered secret values never reach an error body', async () => {
  registerSecretValue('s3cr3t-token-value');
  await withServer(
    () => {
      throw new ValidationError('source.bad_token', 'Token s3cr3t-token-value was refused.', { context: { token: 's3cr3t-token-value' } });
    },
    async (url) => {
      const text = await (await fetch(url)).text();
      assert.not.match(text, /s3cr3t-token-value/);
      assert.match(text, /\[redacted\]/);
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
