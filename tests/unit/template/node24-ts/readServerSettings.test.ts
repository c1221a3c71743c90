/** The template's own environment keys: defaults for the image layout, and bad values named with the fix. */
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { readServerSettings } from '#template/readServerSettings.ts';

test('defaults: the handler is function/handler.ts beside the template (the image layout), port 3000, 5 MiB bodies, info', () => {
  assert.equal(readServerSettings({}, '/home/app'), {
    handlerPath: path.resolve('/home/app/function/handler.ts'),
    port: 3000,
    bodyLimitBytes: 5 * 1024 * 1024,
    drainMs: 20_000,
    functionName: 'function',
    logLevel: 'info',
  });
});

test('the environment overrides each default; a relative handler path is taken from the template folder; port 0 asks for a free one', () => {
  const settings = readServerSettings({ DP_FUNCTION_HANDLER: '../functions/files/handler.ts', DP_FUNCTION_PORT: '0', DP_FUNCTION_BODY_LIMIT_BYTES: '2048', DP_FUNCTION_DRAIN_MS: '500', DP_FUNCTION_NAME: 'files', DP_LOG_LEVEL: 'warn' }, '/repo/template/node24-ts');
  assert.equal(settings, { handlerPath: path.resolve('/repo/template/functions/files/handler.ts'), port: 0, bodyLimitBytes: 2048, drainMs: 500, functionName: 'files', logLevel: 'warn' });
});

test('bad values name the key and the fix', () => {
  const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
    [{ DP_FUNCTION_PORT: '70000' }, /DP_FUNCTION_PORT=70000 is not a TCP port .*fix or unset it/],
    [{ DP_FUNCTION_PORT: 'http' }, /DP_FUNCTION_PORT=http/],
    [{ DP_FUNCTION_BODY_LIMIT_BYTES: '10' }, /DP_FUNCTION_BODY_LIMIT_BYTES=10 is not a size in bytes \(a whole number from 1024/],
    [{ DP_LOG_LEVEL: 'loud' }, /DP_LOG_LEVEL=loud is not a log level; use one of debug, info, warn, error/],
    [{ DP_FUNCTION_DRAIN_MS: '60000' }, /DP_FUNCTION_DRAIN_MS=60000 is not a time in milliseconds \(a whole number from 0 to 25000\)/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => readServerSettings(env, '/home/app'), message);
  }
});

test.run();
