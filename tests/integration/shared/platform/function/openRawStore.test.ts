import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { getEnv, loadEnv } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { startLocalS3, type LocalS3 } from '#tools/services/s3Server.ts';
import type { RawRunRef } from '#platform/raw/rawStore.ts';
import { redact } from '#platform/redact.ts';
import { openRawStore } from '#platform/function/openRawStore.ts';
import { freePort } from '#support/freePort.ts';

type Context = { server: LocalS3; dir: string };
const raw = suite<Context>('openRawStore');
const run: RawRunRef = { source: 'bank', dataset: 'accounts', runId: 'run-7', startedAt: new Date('2026-05-04T03:02:01Z') };

raw.before(async (context) => {
  context.dir = mkdtempSync(path.join(os.tmpdir(), 'dp-raw-'));
  context.server = await startLocalS3({
    dataDir: getEnv().dataDir,
    port: await freePort(),
    bucket: 'dataplatform-raw',
    log: createLogger({ level: 'warn' }),
    credentials: { accessKeyId: 'dataplatform', secretAccessKey: 'raw-store-secret-key' },
  });
});

raw.after(async ({ server, dir }) => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

raw('a file:// URL opens the local-folder driver', async ({ dir }) => {
  const store = openRawStore(loadEnv({ DP_RAW_STORE_URL: pathToFileURL(path.join(dir, 'raw')).href }));
  const info = await store.writePart(run, 0, [{ iban: 'X1' }]);
  assert.is(info.key, 'raw/bank/accounts/2026/05/04/run-7/part-00000.json');
  assert.equal((await store.readPart(info.key)).records, [{ iban: 'X1' }]);
});

raw('an s3:// URL opens the object store with the key pair read from secret files, as on faasd', async ({ server, dir }) => {
  writeFileSync(path.join(dir, 's3-access-key-id'), 'dataplatform\n');
  writeFileSync(path.join(dir, 's3-secret-access-key'), 'raw-store-secret-key\n');
  const env = loadEnv({
    DP_RAW_STORE_URL: 's3://dataplatform-raw/platform',
    DP_S3_ENDPOINT: server.endpoint,
    DP_S3_ACCESS_KEY_ID_FILE: path.join(dir, 's3-access-key-id'),
    DP_S3_SECRET_ACCESS_KEY_FILE: path.join(dir, 's3-secret-access-key'),
  });
  assert.not.match(JSON.stringify(env), /raw-store-secret-key/, 'the key is not part of the printable configuration');
  assert.is(redact('key raw-store-secret-key'), 'key [redacted]');
  const store = openRawStore(env);
  const info = await store.writePart(run, 0, [{ iban: 'Y2', balance: '10.00' }]);
  await store.writeManifest(run, true);
  const again = openRawStore(env);
  assert.equal((await again.readPart(info.key)).records, [{ iban: 'Y2', balance: '10.00' }]);
  assert.is((await again.readManifest(run))?.complete, true);
});

raw('an s3:// URL without endpoint or keys is a ConfigError naming what to set', () => {
  try {
    openRawStore(loadEnv({ DP_RAW_STORE_URL: 's3://dataplatform-raw/raw' }));
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.is((error as ConfigError).code, 'raw.s3_unconfigured');
    assert.match((error as Error).message, /DP_S3_ENDPOINT/);
  }
});

raw.run();
