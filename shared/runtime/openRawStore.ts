import { fileURLToPath } from 'node:url';

import { getEnv } from '../env.ts';
import { ConfigError } from '../errors.ts';
import { createLocalRawStore } from '../raw/createLocalRawStore.ts';
import type { RawStore } from '../raw/rawStore.ts';

/**
 * Opens the raw store named by a URL (DP_RAW_STORE_URL): `file:///folder` is the local-folder
 * driver. `s3://bucket/prefix` is the object store functions need on faasd (they have no shared
 * volume); its driver is not part of the platform yet, so it is refused with the way out.
 */
export function openRawStore(url: string = getEnv().rawStoreUrl): RawStore {
  const parsed = new URL(url);
  if (parsed.protocol === 'file:') {
    return createLocalRawStore(fileURLToPath(parsed));
  }
  throw new ConfigError(
    'raw.driver_unavailable',
    `DP_RAW_STORE_URL=${parsed.protocol}//${parsed.host}${parsed.pathname} needs the S3 raw-store driver, which this build does not have yet. Until it lands, run the pipeline where the functions share a folder (the local gateway, \`dp gateway\`) — see docs/infrastructure.md, "Raw files on faasd".`,
    { context: { key: 'DP_RAW_STORE_URL' } },
  );
}
