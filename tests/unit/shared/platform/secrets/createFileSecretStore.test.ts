import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ConfigError, NotFoundError, ValidationError } from '#platform/errors.ts';
import { redact } from '#platform/redact.ts';
import { createFileSecretStore } from '#platform/secrets/createFileSecretStore.ts';

const files = suite<{ dir: string }>('createFileSecretStore');

files.before.each(async (context) => {
  context.dir = await mkdtemp(path.join(os.tmpdir(), 'dp-secrets-'));
});
files.after.each(async (context) => {
  await chmod(context.dir, 0o700).catch(() => undefined);
  await rm(context.dir, { recursive: true, force: true });
});

files('reads a secret file without its trailing newline and registers the value for redaction', async ({ dir }) => {
  await writeFile(path.join(dir, 'ynab-token'), 'tok-file-1234 with space\n');
  const store = createFileSecretStore({ directory: dir });
  assert.is(await store.get('ynab-token'), 'tok-file-1234 with space');
  assert.is(redact('Authorization: Bearer tok-file-1234 with space'), 'Authorization: Bearer [redacted]');
});

files('a missing secret is a NotFoundError naming the secret and the file looked for', async ({ dir }) => {
  const store = createFileSecretStore({ directory: dir });
  try {
    await store.get('github-token');
    assert.unreachable('missing secret should fail');
  } catch (error) {
    assert.instance(error, NotFoundError);
    assert.is((error as NotFoundError).code, 'secret.not_found');
    assert.match((error as Error).message, 'github-token');
    assert.match((error as Error).message, path.join(dir, 'github-token'));
  }
  assert.is(await store.find('github-token'), undefined);
});

files('names that could escape the folder are refused', async ({ dir }) => {
  const store = createFileSecretStore({ directory: dir });
  for (const name of ['../etc/passwd', '.hidden', 'a/b', '']) {
    try {
      await store.get(name);
      assert.unreachable(`${name} should be refused`);
    } catch (error) {
      assert.instance(error, ValidationError);
      assert.is((error as ValidationError).code, 'secret.bad_name');
    }
  }
});

files('set writes the value atomically, owner-readable only, and get reads it back', async ({ dir }) => {
  const store = createFileSecretStore({ directory: dir });
  assert.ok(store.writable);
  await store.set('strava_refresh_token', 'rotated-value-1');
  await store.set('strava_refresh_token', 'rotated-value-2');
  assert.is(await readFile(path.join(dir, 'strava_refresh_token'), 'utf8'), 'rotated-value-2');
  assert.is((await stat(path.join(dir, 'strava_refresh_token'))).mode & 0o777, 0o600);
  assert.is(await store.get('strava_refresh_token'), 'rotated-value-2');
});

files('a read-only folder (the faasd mount) makes set fail with a ConfigError that names the way out', async ({ dir }) => {
  if (process.getuid?.() === 0) {
    // root ignores folder permissions; prove the error path with a folder that cannot be created instead
    const blocker = path.join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const store = createFileSecretStore({ directory: blocker });
    try {
      await store.set('token', 'value-abcd');
      assert.unreachable('writing under a file should fail');
    } catch (error) {
      assert.instance(error, ConfigError);
      assert.is((error as ConfigError).code, 'secret.write_failed');
      assert.match((error as Error).message, 'Infisical');
      assert.not.match((error as Error).message, 'value-abcd');
    }
    return;
  }
  await chmod(dir, 0o500);
  const store = createFileSecretStore({ directory: dir });
  try {
    await store.set('token', 'value-abcd');
    assert.unreachable('writing to a read-only folder should fail');
  } catch (error) {
    assert.is((error as ConfigError).code, 'secret.write_failed');
  }
});

files.run();
