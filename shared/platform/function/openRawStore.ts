import { fileURLToPath } from 'node:url';

import { getEnv, type Env } from '../env.ts';
import { ConfigError } from '../errors.ts';
import { createLocalRawStore } from '../raw/createLocalRawStore.ts';
import { createRawStore } from '../raw/createRawStore.ts';
import { createS3ObjectStore } from '../raw/createS3ObjectStore.ts';
import type { RawStore } from '../raw/rawStore.ts';

/**
 * Opens the raw store named by DP_RAW_STORE_URL: `file:///folder` is the local-folder driver (the
 * local gateway, tests); `s3://bucket/prefix` is the S3-compatible object store functions use on
 * faasd, where they share no volume (DP_S3_ENDPOINT and the DP_S3_* key pair, usually secret files).
 */
export function openRawStore(env: Pick<Env, 'rawStoreUrl' | 's3Endpoint' | 's3Region' | 's3Credentials'> = getEnv()): RawStore {
  const parsed = new URL(env.rawStoreUrl);
  if (parsed.protocol === 'file:') {
    return createLocalRawStore(fileURLToPath(parsed));
  }
  const credentials = env.s3Credentials();
  if (env.s3Endpoint === undefined || credentials === undefined) {
    throw new ConfigError(
      'raw.s3_unconfigured',
      `DP_RAW_STORE_URL=${env.rawStoreUrl} needs DP_S3_ENDPOINT and an access key pair (DP_S3_ACCESS_KEY_ID_FILE and DP_S3_SECRET_ACCESS_KEY_FILE pointing at OpenFaaS secrets); ${env.s3Endpoint === undefined ? 'DP_S3_ENDPOINT is not set' : 'the key pair is missing'}.`,
      { context: { key: env.s3Endpoint === undefined ? 'DP_S3_ENDPOINT' : 'DP_S3_ACCESS_KEY_ID' } },
    );
  }
  const bucket = parsed.host;
  if (bucket === '') {
    throw new ConfigError('raw.s3_unconfigured', `DP_RAW_STORE_URL=${env.rawStoreUrl} names no bucket; write s3://<bucket>/<prefix>.`, { context: { key: 'DP_RAW_STORE_URL' } });
  }
  return createRawStore(createS3ObjectStore({ endpoint: env.s3Endpoint, bucket, prefix: parsed.pathname.replace(/^\/+/, ''), region: env.s3Region, ...credentials }));
}
