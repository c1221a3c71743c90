import { getEnv, type Env } from '../env.ts';
import { createRawStore } from '../raw/createRawStore.ts';
import { openObjectStore } from '../raw/openObjectStore.ts';
import type { RawStore } from '../raw/rawStore.ts';

/**
 * Opens the raw store named by DP_RAW_STORE_URL: `file:///folder` is the local-folder driver (the
 * local gateway, tests); `s3://bucket/prefix` is the S3-compatible object store functions use on
 * faasd, where they share no volume (DP_S3_ENDPOINT and the DP_S3_* key pair, usually secret files).
 */
export function openRawStore(env: Pick<Env, 'rawStoreUrl' | 's3Endpoint' | 's3Region' | 's3Credentials'> = getEnv()): RawStore {
  return createRawStore(openObjectStore(env.rawStoreUrl, env, 'DP_RAW_STORE_URL'));
}
