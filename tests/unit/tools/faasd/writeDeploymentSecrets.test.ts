/** The deployment's secrets folder: written once with private modes, kept on a second run, URLs that parse. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { writeDeploymentSecrets } from '#tools/faasd/writeDeploymentSecrets.ts';

test('writes every file once (0600 in a 0700 folder) and keeps them on the next run', async () => {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'dp-secrets-')), 'faasd');
  try {
    const first = await writeDeploymentSecrets({ dir, server: 'homeserver.lan', webhookSecrets: ['github-webhook-secret'] });
    assert.equal(first.files.map((entry) => entry.file).sort(), [
      'functions/database-url',
      'functions/github-webhook-secret',
      'functions/mongodb-url',
      'functions/s3-access-key-id',
      'functions/s3-secret-access-key',
      'operator/database-url',
      'operator/s3-access-key-id',
      'operator/s3-secret-access-key',
      'server/postgres-password',
      'server/seaweedfs-s3.json',
    ]);
    assert.ok(first.files.every((entry) => entry.written));
    assert.is(statSync(dir).mode & 0o777, 0o700);
    for (const { file } of first.files) assert.is(statSync(path.join(dir, file)).mode & 0o777, 0o600, file);

    const read = (file: string): string => readFileSync(path.join(dir, file), 'utf8');
    const password = read('server/postgres-password');
    const inFunctions = new URL(read('functions/database-url'));
    assert.equal([inFunctions.hostname, inFunctions.port, inFunctions.username, inFunctions.password, inFunctions.pathname], ['postgres', '5432', 'dataplatform', password, '/dataplatform']);
    assert.is(new URL(read('operator/database-url')).hostname, 'homeserver.lan');
    const mongo = new URL(read('functions/mongodb-url'));
    assert.equal([mongo.hostname, mongo.port, mongo.password, mongo.pathname, mongo.searchParams.get('authMechanism')], ['ferretdb', '27017', password, '/bronze', 'PLAIN']);
    const s3 = JSON.parse(read('server/seaweedfs-s3.json')) as { identities: Array<{ credentials: Array<{ accessKey: string; secretKey: string }> }> };
    assert.equal(s3.identities[0]!.credentials[0], { accessKey: read('functions/s3-access-key-id'), secretKey: read('functions/s3-secret-access-key') });

    const second = await writeDeploymentSecrets({ dir, server: 'other.lan', webhookSecrets: ['github-webhook-secret'] });
    assert.ok(second.files.every((entry) => !entry.written), 'nothing is generated twice');
    assert.is(read('server/postgres-password'), password);
  } finally {
    rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

test.run();
