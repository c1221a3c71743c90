import { fileURLToPath } from 'node:url';

import type { Env } from '../env.ts';
import { ConfigError } from '../errors.ts';
import { createFolderObjectStore } from './createFolderObjectStore.ts';
import { createS3ObjectStore } from './createS3ObjectStore.ts';
import type { ObjectStore } from './objectStore.ts';

/** The settings an `s3://` store needs besides its URL. */
export type ObjectStoreEnv = Pick<Env, 's3Endpoint' | 's3Region' | 's3Credentials'>;

/**
 * Opens the object store a URL names: `file:///folder` is a local folder, `s3://bucket/prefix` an
 * S3-compatible store reached through DP_S3_ENDPOINT with the DP_S3_* key pair. `setting` names the
 * variable or option the URL came from, for error messages.
 */
export function openObjectStore(url: string, env: ObjectStoreEnv, setting: string): ObjectStore {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') {
    return createFolderObjectStore(fileURLToPath(parsed));
  }
  if (parsed.protocol !== 's3:') {
    throw new ConfigError('config.invalid', `${setting}=${url} is neither file:///<folder> nor s3://<bucket>/<prefix>.`, { context: { key: setting } });
  }
  const credentials = env.s3Credentials();
  if (env.s3Endpoint === undefined || credentials === undefined) {
    throw new ConfigError(
      'raw.s3_unconfigured',
      `${setting}=${url} needs DP_S3_ENDPOINT and an access key pair (DP_S3_ACCESS_KEY_ID_FILE and DP_S3_SECRET_ACCESS_KEY_FILE pointing at OpenFaaS secrets); ${env.s3Endpoint === undefined ? 'DP_S3_ENDPOINT is not set' : 'the key pair is missing'}.`,
      { context: { key: env.s3Endpoint === undefined ? 'DP_S3_ENDPOINT' : 'DP_S3_ACCESS_KEY_ID' } },
    );
  }
  const bucket = parsed.host;
  if (bucket === '') {
    throw new ConfigError('raw.s3_unconfigured', `${setting}=${url} names no bucket; write s3://<bucket>/<prefix>.`, { context: { key: setting } });
  }
  return createS3ObjectStore({ endpoint: env.s3Endpoint, bucket, prefix: parsed.pathname.replace(/^\/+/, ''), region: env.s3Region, ...credentials });
}
