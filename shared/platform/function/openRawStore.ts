import { getEnv, type Env } from '../env.ts';
import { createRawStore } from '../raw/createRawStore.ts';
import { openObjectStore } from '../raw/openObjectStore.ts';
import type { RawStore } from '../raw/rawStore.ts';

/**
 * Opens the raw store named by DP_RAW_STORE_URL: `file:///folder` (the local gateway, tests) or
 * `s3://bucket/prefix`, the S3-compatible object store functions use on faasd (see openObjectStore).
 */
export function openRawStore(env: Pick<Env, 'rawStoreUrl' | 's3Endpoint' | 's3Region' | 's3Credentials'> = getEnv()): RawStore {
  return createRawStore(openObjectStore(env.rawStoreUrl, 'DP_RAW_STORE_URL', env));
}
