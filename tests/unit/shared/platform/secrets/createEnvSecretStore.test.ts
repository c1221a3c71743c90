import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { loadEnv } from '#platform/env.ts';
import { ConfigError, NotFoundError } from '#platform/errors.ts';
import { redact } from '#platform/redact.ts';
import { createEnvSecretStore } from '#platform/secrets/createEnvSecretStore.ts';
import { createSecretStore } from '#platform/secrets/createSecretStore.ts';

const env = suite('env secrets and the configured store');

env('the env provider reads DP_SECRET_<NAME> from the real process environment and is read-only', async () => {
  process.env.DP_SECRET_YNAB_TOKEN = 'env-token-5678';
  try {
    const store = createEnvSecretStore({ lookup: loadEnv().envSecret });
    assert.is(await store.get('ynab-token'), 'env-token-5678');
    assert.is(redact('token env-token-5678'), 'token [redacted]');
    assert.not.ok(store.writable);
    try {
      await store.set('ynab-token', 'new-value-9999');
      assert.unreachable('env cannot persist');
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.is((error as ConfigError).code, 'secret.read_only');
      assert.match((error as Error).message, 'ynab-token');
    }
  } finally {
    delete process.env.DP_SECRET_YNAB_TOKEN;
  }
});

env('printing the configuration never prints an env secret', () => {
  const config = loadEnv({ DP_SECRET_BANK_PASSWORD: 'hunter2-secret' });
  assert.is(config.envSecret('bank_password'), 'hunter2-secret');
  assert.not.match(JSON.stringify(config), 'hunter2-secret');
});

env('DP_SECRETS_PROVIDER chooses the providers in order; files first by default, then env', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-secrets-'));
  try {
    await writeFile(path.join(dir, 'shared_name'), 'from-file-value\n');
    const config = loadEnv({ DP_SECRETS_DIR: dir, DP_SECRET_SHARED_NAME: 'from-env-value', DP_SECRET_ONLY_ENV: 'only-env-value' });
    assert.equal(config.secretsProviders, ['files', 'env']);
    const store = createSecretStore(config);
    assert.is(store.provider, 'files,env');
    assert.is(await store.get('shared_name'), 'from-file-value');
    assert.is(await store.get('only_env'), 'only-env-value');

    const envFirst = createSecretStore(loadEnv({ DP_SECRETS_DIR: dir, DP_SECRETS_PROVIDER: 'env,files', DP_SECRET_SHARED_NAME: 'from-env-value' }));
    assert.is(await envFirst.get('shared_name'), 'from-env-value');

    try {
      await store.get('nowhere');
      assert.unreachable('missing everywhere');
    } catch (error) {
      assert.instance(error, NotFoundError);
      assert.match((error as Error).message, `file ${path.join(dir, 'nowhere')}`);
      assert.match((error as Error).message, 'environment variable DP_SECRET_NOWHERE');
    }

    // a rotated value is written where the secret lives (the file), never silently elsewhere
    await store.set('shared_name', 'rotated-file-value');
    assert.is(await store.get('shared_name'), 'rotated-file-value');
    try {
      await store.set('only_env', 'rotated-env-value');
      assert.unreachable('a secret held by env cannot be rotated');
    } catch (error) {
      assert.is((error as ConfigError).code, 'secret.read_only');
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

env('a bad DP_SECRETS_PROVIDER or infisical without a project is a ConfigError naming the key', () => {
  try {
    loadEnv({ DP_SECRETS_PROVIDER: 'files,vault' });
    assert.unreachable('unknown provider');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.match((error as Error).message, 'DP_SECRETS_PROVIDER');
    assert.match((error as Error).message, 'vault');
  }
  try {
    createSecretStore(loadEnv({ DP_SECRETS_PROVIDER: 'infisical' }));
    assert.unreachable('infisical needs a project');
  } catch (error) {
    assert.match((error as Error).message, 'DP_INFISICAL_PROJECT_ID');
  }
});

env.run();
