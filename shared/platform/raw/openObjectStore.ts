import { fileURLToPath } from 'node:url';

import type { Env } from '../env.ts';
import { ConfigError } from '../errors.ts';
import { createFolderObjectStore } from './createFolderObjectStore.ts';
import { createS3ObjectStore } from './createS3ObjectStore.ts';
import type { ObjectStore } from './objectStore.ts';

/**
 * Opens the object store a URL names: `file:///folder` is a local folder (the local gateway, tests);
 * `s3://bucket/prefix` is the S3-compatible store functions use on faasd, where they share no volume
 * (DP_S3_ENDPOINT and the DP_S3_* key pair, usually secret files). `key` is the environment variable the URL
 * came from, for messages.
 */
export function openObjectStore(url: string, key: string, env: Pick<Env, 's3Endpoint' | 's3Region' | 's3Credentials'>): ObjectStore {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') {
    return createFolderObjectStore(fileURLToPath(parsed));
  }
  const credentials = env.s3Credentials();
  if (env.s3Endpoint === undefined || credentials === undefined) {
    throw new ConfigError(
      'raw.s3_unconfigured',
      `${key}=${url} needs DP_S3_ENDPOINT and an access key pair (DP_S3_ACCESS_KEY_ID_FILE and DP_S3_SECRET_ACCESS_KEY_FILE pointing at OpenFaaS secrets); ${env.s3Endpoint === undefined ? 'DP_S3_ENDPOINT is not set' : 'the key pair is missing'}.`,
      { context: { key: env.s3Endpoint === undefined ? 'DP_S3_ENDPOINT' : 'DP_S3_ACCESS_KEY_ID' } },
    );
  }
  const bucket = parsed.host;
  if (bucket === '') {
    throw new ConfigError('raw.s3_unconfigured', `${key}=${url} names no bucket; write s3://<bucket>/<prefix>.`, { context: { key } });
  }
  return createS3ObjectStore({ endpoint: env.s3Endpoint, bucket, prefix: parsed.pathname.replace(/^\/+/, ''), region: env.s3Region, ...credentials });
}
