/** The environment keys of functions and the local gateway (the template's own keys: tests/unit/template). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { loadEnv } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';
import { redact } from '#platform/redact.ts';

test('defaults: 40 s budget, local gateway on 8080 with user admin and one async job at a time', () => {
  const env = loadEnv({});
  assert.is(env.stepBudgetMs, 40_000);
  assert.is(env.gatewayUrl, 'http://127.0.0.1:8080');
  assert.is(env.gatewayPort, 8080);
  assert.is(env.gatewayUser, 'admin');
  assert.is(env.gatewayPassword, undefined);
  assert.is(env.gatewayAsyncConcurrency, 1);
  assert.ok(env.stackFile.endsWith(`${path.sep}stack.yml`));
  assert.match(env.rawStoreUrl, /^file:\/\/.*\/\.data\/raw$/);
});

test('DATABASE_URL_FILE and MONGODB_URL_FILE read the URL from a secret file, and its password is redacted from then on', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-env-'));
  try {
    writeFileSync(path.join(dir, 'database-url'), 'postgres://dataplatform:file-secret-pw@postgres:5432/dataplatform\n');
    writeFileSync(path.join(dir, 'mongodb-url'), 'mongodb://mongo:27017/bronze');
    const env = loadEnv({ DATABASE_URL_FILE: path.join(dir, 'database-url'), MONGODB_URL_FILE: path.join(dir, 'mongodb-url') });
    assert.is(env.databaseUrl, 'postgres://dataplatform:file-secret-pw@postgres:5432/dataplatform');
    assert.is(env.databaseUrlFromEnv, true);
    assert.is(env.mongodbUrl, 'mongodb://mongo:27017/bronze');
    assert.is(redact('connecting with file-secret-pw'), 'connecting with [redacted]');
    const direct = loadEnv({ DATABASE_URL: 'postgres://x@h/db', DATABASE_URL_FILE: path.join(dir, 'database-url') });
    assert.is(direct.databaseUrl, 'postgres://x@h/db', 'the plain key wins');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a percent-encoded password is redacted in both forms: as the URL shows it and as the driver decodes it', () => {
  loadEnv({ DATABASE_URL: 'postgres://dataplatform:pw%2Fwith%40odd%3Achars@postgres:5432/dataplatform' });
  assert.is(redact('url postgres://dataplatform:pw%2Fwith%40odd%3Achars@postgres'), 'url postgres://dataplatform:[redacted]@postgres');
  assert.is(redact('auth failed for pw/with@odd:chars'), 'auth failed for [redacted]');
});

test('bad values are ConfigErrors naming the key and the fix', () => {
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ DATABASE_URL_FILE: '/nonexistent/database-url' }, 'DATABASE_URL_FILE', /faas-cli secret create/],
    [{ DP_STEP_BUDGET_MS: '90000' }, 'DP_STEP_BUDGET_MS', /between 1000 and 55000/],
    [{ DP_GATEWAY_ASYNC_CONCURRENCY: '0' }, 'DP_GATEWAY_ASYNC_CONCURRENCY', /between 1 and 64/],
    [{ DP_GATEWAY_URL: 'ftp://gateway' }, 'DP_GATEWAY_URL', /http: or https:/],
    [{ DP_RAW_STORE_URL: 'gs://bucket' }, 'DP_RAW_STORE_URL', /file: or s3:/],
    [{ DP_GATEWAY_USER: 'a:b' }, 'DP_GATEWAY_USER', /":"/],
    [{ DP_GATEWAY_PORT: '70000' }, 'DP_GATEWAY_PORT', /TCP port/],
  ];
  for (const [source, key, fix] of cases) {
    try {
      loadEnv(source);
      assert.unreachable(`${key} should be rejected`);
    } catch (error) {
      assert.instance(error, ConfigError, key);
      assert.is((error as ConfigError).context.key, key);
      assert.match((error as Error).message, fix);
    }
  }
});

test('the gateway URL loses its trailing slash', () => {
  const env = loadEnv({ DP_GATEWAY_URL: 'http://gateway:8080/' });
  assert.is(env.gatewayUrl, 'http://gateway:8080');
});

test.run();
