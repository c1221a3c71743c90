/**
 * The platform's error replies, served by the real template server: a platform handler never
 * throws to the template, so statuses, codes, Retry-After and redaction are decided here.
 */
import type { AddressInfo } from 'node:net';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { PlatformError, TransientError, ValidationError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { registerSecretValue } from '#platform/redact.ts';
import { withErrorReplies } from '#platform/function/withErrorReplies.ts';
import { createFunctionServer } from '#template/createFunctionServer.ts';
import type { FunctionHandler } from '#template/functionContract.ts';
import { createServerLog } from '#template/serverLog.ts';

const platformLines: string[] = [];
const templateLines: string[] = [];
const log = createLogger({ level: 'debug', fields: { fn: 'test' }, sink: (line) => platformLines.push(line) });

async function withServer(handler: FunctionHandler, run: (url: string) => Promise<void>): Promise<void> {
  const server = createFunctionServer({ handler: withErrorReplies(handler, { log }), bodyLimitBytes: 1024, log: createServerLog({ level: 'debug', fn: 'test', sink: (line) => templateLines.push(line) }) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test('a thrown PlatformError answers its status with {error: {code, message, retryable}}; a TransientError adds Retry-After', async () => {
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

test('an unknown error is a 500 `internal` with a generic message; the platform log line has the cause, the template sees no throw', async () => {
  platformLines.length = 0;
  templateLines.length = 0;
  await withServer(
    () => {
      throw new TypeError('Cannot read properties of undefined (reading "x")');
    },
    async (url) => {
      const response = await fetch(url, { method: 'POST' });
      assert.is(response.status, 500);
      const text = await response.text();
      assert.is((JSON.parse(text) as { error: { code: string } }).error.code, 'internal');
      assert.not.match(text, /Cannot read|TypeError/);
    },
  );
  assert.ok(platformLines.some((line) => line.includes('"function.failed"') && line.includes('Cannot read properties')), 'the platform logs the cause');
  assert.not.ok(templateLines.some((line) => line.includes('"function.failed"')), 'nothing was thrown to the template');
  assert.ok(templateLines.some((line) => line.includes('"function.request"') && line.includes('"status":500')));
});

test('a 4xx is logged with its code at info level, not as a failure', async () => {
  platformLines.length = 0;
  await withServer(
    () => {
      throw new ValidationError('request.invalid', 'runId is missing.');
    },
    async (url) => {
      assert.is((await fetch(url)).status, 400);
    },
  );
  const line = JSON.parse(platformLines.find((text) => text.includes('function.refused'))!) as Record<string, unknown>;
  assert.equal([line.level, line.code, line.status], ['info', 'request.invalid', 400]);
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

test.run();
