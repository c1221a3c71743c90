import type { InfisicalSDK } from '@infisical/sdk';

import { ConfigError, TransientError } from '../errors.ts';
import { registerSecretValue } from '../redact.ts';
import { defineSecretStore, type SecretStore } from './secretStore.ts';

export type InfisicalCredentials = { readonly clientId: string; readonly clientSecret: string };

export type InfisicalSecretStoreOptions = {
  /** Infisical instance, e.g. https://app.infisical.com or a self-hosted URL (DP_INFISICAL_SITE_URL). */
  readonly siteUrl: string;
  /** Project (workspace) id that holds the secrets (DP_INFISICAL_PROJECT_ID). */
  readonly projectId: string;
  /** Environment slug (DP_INFISICAL_ENVIRONMENT). Default: prod. */
  readonly environment?: string;
  /** Folder inside the environment (DP_INFISICAL_SECRET_PATH). Default: /. */
  readonly secretPath?: string;
  /** Universal-auth machine identity; read lazily, on first use, from the bootstrap secret store. */
  readonly credentials: () => Promise<InfisicalCredentials>;
  /** How long a login is reused before logging in again, in ms. Default: 600000 (10 minutes). */
  readonly loginTtlMs?: number;
  /** Current time in ms epoch. Default: Date.now. */
  readonly now?: () => number;
};

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Secrets kept in Infisical, read and written through @infisical/sdk with universal auth
 * (a machine identity's client id and secret). Secret names are Infisical secret keys in
 * `environment` at `secretPath`. A secret that does not exist is told apart from a failing
 * server by listing the folder, so "not found" is never guessed from an error message.
 */
export function createInfisicalSecretStore(options: InfisicalSecretStoreOptions): SecretStore {
  const environment = options.environment ?? 'prod';
  const secretPath = options.secretPath ?? '/';
  const loginTtlMs = options.loginTtlMs ?? 600_000;
  const now = options.now ?? Date.now;
  const where = `Infisical ${options.siteUrl} project ${options.projectId}, environment ${environment}, path ${secretPath}`;
  let session: { sdk: InfisicalSDK; at: number } | undefined;

  const client = async (): Promise<InfisicalSDK> => {
    if (session !== undefined && now() - session.at < loginTtlMs) return session.sdk;
    const credentials = await options.credentials();
    registerSecretValue(credentials.clientSecret);
    // Loaded on first use: about 25 MB of memory that a function whose secrets are files never needs.
    const { InfisicalSDK } = await import('@infisical/sdk');
    const sdk = new InfisicalSDK({ siteUrl: options.siteUrl });
    try {
      await sdk.auth().universalAuth.login({ clientId: credentials.clientId, clientSecret: credentials.clientSecret });
    } catch (error) {
      throw new ConfigError('secret.infisical_login_failed', `Logging in to Infisical at ${options.siteUrl} with universal auth failed (${messageOf(error)}). Check the secrets infisical-client-id and infisical-client-secret and DP_INFISICAL_SITE_URL (see docs/secrets.md).`, { cause: error });
    }
    const token = sdk.auth().getAccessToken();
    if (token !== null) registerSecretValue(token);
    session = { sdk, at: now() };
    return sdk;
  };

  /** Whether the folder lists the key; a failure to list is a TransientError (the server, not the secret, is the problem). */
  const exists = async (sdk: InfisicalSDK, name: string): Promise<boolean> => {
    try {
      const listed = await sdk.secrets().listSecrets({ projectId: options.projectId, environment, secretPath, expandSecretReferences: false, viewSecretValue: false });
      return listed.secrets.some((secret) => secret.secretKey === name);
    } catch (error) {
      throw new TransientError('secret.provider_unavailable', `Infisical could not be asked for secret ${JSON.stringify(name)} in ${where} (${messageOf(error)}); try again, or check DP_INFISICAL_PROJECT_ID, DP_INFISICAL_ENVIRONMENT and the identity's access.`, { cause: error, context: { secret: name } });
    }
  };

  return defineSecretStore({
    provider: 'infisical',
    describe: (name) => `${where}, key ${name}`,
    read: async (name) => {
      const sdk = await client();
      try {
        const secret = await sdk.secrets().getSecret({ projectId: options.projectId, environment, secretPath, secretName: name });
        return secret.secretValue;
      } catch (error) {
        if (!(await exists(sdk, name))) return undefined;
        throw new TransientError('secret.provider_unavailable', `Infisical lists secret ${JSON.stringify(name)} in ${where} but reading it failed (${messageOf(error)}); check the identity's read access or try again.`, { cause: error, context: { secret: name } });
      }
    },
    write: async (name, value) => {
      const sdk = await client();
      const target = { projectId: options.projectId, environment, secretPath };
      try {
        await sdk.secrets().updateSecret(name, { ...target, secretValue: value });
        return;
      } catch (error) {
        if (await exists(sdk, name)) {
          throw new TransientError('secret.write_failed', `Saving secret ${JSON.stringify(name)} to ${where} failed (${messageOf(error)}); check the identity's write access.`, { cause: error, context: { secret: name } });
        }
      }
      try {
        await sdk.secrets().createSecret(name, { ...target, secretValue: value });
      } catch (error) {
        throw new TransientError('secret.write_failed', `Creating secret ${JSON.stringify(name)} in ${where} failed (${messageOf(error)}); check the identity's write access.`, { cause: error, context: { secret: name } });
      }
    },
  });
}
