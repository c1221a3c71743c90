import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { loadEnv } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';

test('defaults point at the project-owned local servers', () => {
  const env = loadEnv({});
  assert.is(env.databaseUrl, 'postgres://postgres@127.0.0.1:54329/dataplatform');
  assert.is(env.mongodbUrl, 'mongodb://postgres@127.0.0.1:27117/dataplatform?authMechanism=PLAIN', 'the local FerretDB lets in PLAIN logins as a Postgres role');
  assert.is(env.databaseUrlFromEnv, false);
  assert.is(env.logLevel, 'info');
  assert.ok(env.dataDir.endsWith('.data'));
});

test('DATABASE_URL and MONGODB_URL override the defaults and are marked as explicit', () => {
  const env = loadEnv({ DATABASE_URL: 'postgres://u:p@db:5432/x', MONGODB_URL: 'mongodb://m:27017/y' });
  assert.is(env.databaseUrl, 'postgres://u:p@db:5432/x');
  assert.is(env.databaseUrlFromEnv, true);
  assert.is(env.mongodbUrl, 'mongodb://m:27017/y');
  assert.is(env.mongodbUrlFromEnv, true);
});

test('the local ports move the default URLs', () => {
  const env = loadEnv({ DP_POSTGRES_PORT: '6000', DP_MONGODB_PORT: '7000' });
  assert.is(env.databaseUrl, 'postgres://postgres@127.0.0.1:6000/dataplatform');
  assert.is(env.mongodbUrl, 'mongodb://postgres@127.0.0.1:7000/dataplatform?authMechanism=PLAIN');
});

test('the local FerretDB is logged into as the role of DATABASE_URL', () => {
  const env = loadEnv({ DATABASE_URL: 'postgres://owner:s3cret-pw@db:5432/x' });
  assert.is(env.mongodbUrl, 'mongodb://owner:s3cret-pw@127.0.0.1:27117/dataplatform?authMechanism=PLAIN');
  assert.is(env.mongodbUrlFromEnv, false);
});

test('a bad value is a ConfigError naming the key and the fix', () => {
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ DP_POSTGRES_PORT: 'abc' }, 'DP_POSTGRES_PORT', /whole number between 1 and 65535/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /expected postgres: or postgresql:/],
    [{ MONGODB_URL: 'not a url' }, 'MONGODB_URL', /not a URL/],
    [{ DP_LOG_LEVEL: 'loud' }, 'DP_LOG_LEVEL', /debug, info, warn, error/],
  ];
  for (const [source, key, fix] of cases) {
    try {
      loadEnv(source);
      assert.unreachable(`${key} should be rejected`);
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.is((error as ConfigError).code, 'config.invalid');
      assert.is((error as ConfigError).context.key, key);
      assert.match((error as Error).message, key);
      assert.match((error as Error).message, fix);
    }
  }
});

test('every problem is reported at once, each naming its key; values that may hold a password are not shown', () => {
  try {
    loadEnv({ DP_GATEWAY_PORT: 'eighty', DATABASE_URL: 'mysql://root:hunter2@db/x', DP_MAX_ATTEMPTS: '0' });
    assert.unreachable('three bad values should be rejected');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.is((error as ConfigError).context.key, 'DATABASE_URL');
    assert.equal((error as ConfigError).context.keys, ['DATABASE_URL', 'DP_GATEWAY_PORT', 'DP_MAX_ATTEMPTS']);
    const message = (error as Error).message;
    assert.match(message, 'Environment variable DATABASE_URL uses mysql:; expected postgres: or postgresql:.');
    assert.match(message, 'Environment variable DP_GATEWAY_PORT="eighty" is not a TCP port');
    assert.match(message, 'Environment variable DP_MAX_ATTEMPTS="0" is out of range');
    assert.not.match(message, 'hunter2');
  }
});

test('an empty value counts as unset', () => {
  const env = loadEnv({ DP_POSTGRES_PORT: '', DP_LOG_LEVEL: '', DATABASE_URL: '', DP_SECRETS_PROVIDER: '' });
  assert.equal([env.postgresPort, env.logLevel, env.databaseUrlFromEnv, env.secretsProviders], [54_329, 'info', false, ['files', 'env']]);
});

test('the configuration is frozen', () => {
  const env = loadEnv({});
  assert.ok(Object.isFrozen(env));
});

test.run();
