import { defineSecretStore, type SecretStore } from './secretStore.ts';

export type EnvSecretStoreOptions = {
  /** Returns the value of DP_SECRET_<NAME> for a secret name; `getEnv().envSecret` in the platform. */
  readonly lookup: (name: string) => string | undefined;
};

/** The variable that holds a secret for the env provider: DP_SECRET_ followed by the name upper-cased, `-` and `.` as `_` (`github-token` → DP_SECRET_GITHUB_TOKEN). */
export function envSecretVariable(name: string): string {
  return `DP_SECRET_${name.toUpperCase().replace(/[-.]/g, '_')}`;
}

/**
 * Secrets from environment variables (`DP_SECRET_YNAB_TOKEN` for `ynab-token`), for local runs and CI.
 * Read-only: a process cannot change its parent's environment, so a rotated token cannot be saved.
 */
export function createEnvSecretStore(options: EnvSecretStoreOptions): SecretStore {
  return defineSecretStore({
    provider: 'env',
    describe: (name) => `environment variable ${envSecretVariable(name)}`,
    read: async (name) => options.lookup(name),
    readOnlyHint: 'Keep secrets that rotate (OAuth2 refresh tokens) in secret files or Infisical (DP_SECRETS_PROVIDER=files or infisical).',
  });
}
