import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import type { Env } from '#platform/env.ts';
import { registerSecretValue } from '#platform/redact.ts';

export type GatewayCredentials = {
  readonly user: string;
  readonly password: string;
  /** Where the password came from: the environment, or the file it was read from or generated into. */
  readonly source: 'DP_GATEWAY_PASSWORD' | string;
};

/**
 * The basic-auth credentials of the local gateway's /system routes: DP_GATEWAY_USER (default
 * admin) and DP_GATEWAY_PASSWORD, or — like faasd, which generates
 * /var/lib/faasd/secrets/basic-auth-password on install — a random password generated once into
 * <dataDir>/secrets/basic-auth-password (mode 0600) and reused afterwards.
 */
export async function resolveGatewayCredentials(env: Pick<Env, 'gatewayUser' | 'gatewayPassword' | 'dataDir'>): Promise<GatewayCredentials> {
  if (env.gatewayPassword !== undefined) {
    registerSecretValue(env.gatewayPassword);
    return { user: env.gatewayUser, password: env.gatewayPassword, source: 'DP_GATEWAY_PASSWORD' };
  }
  const file = path.join(env.dataDir, 'secrets', 'basic-auth-password');
  let password = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (password === '') {
    password = randomBytes(24).toString('base64url');
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(file, `${password}\n`, { mode: 0o600 });
  }
  registerSecretValue(password);
  return { user: env.gatewayUser, password, source: file };
}
