/**
 * The secret store: where connectors (and the platform itself) read credentials by name.
 *
 * Metadata only ever names a secret (`secrets: { token: ynab-token }`); the value comes from a
 * provider chosen by configuration: OpenFaaS secret files, Infisical, or environment variables.
 * Every value read or written is registered for redaction, so it is masked in every log line and
 * error body. Providers that can persist (files, Infisical) also accept writes, which is how a
 * rotated OAuth2 refresh token is saved back.
 */
import { ConfigError, NotFoundError, ValidationError } from '../errors.ts';
import { registerSecretValue } from '../redact.ts';

/** Secret names: letters, digits, `_`, `.` and `-`, starting with a letter, digit or `_` (so never a path). */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

export type SecretStore = {
  /** Provider name(s), for messages: `files`, `env`, `infisical`, or a chain `files,env`. */
  readonly provider: string;
  /** Where a secret of this name is looked for (`file /var/openfaas/secrets/ynab-token`). */
  readonly describe: (name: string) => string;
  /** The secret's value, or undefined when this store does not hold it. */
  readonly find: (name: string) => Promise<string | undefined>;
  /** The secret's value; a NotFoundError (`secret.not_found`) naming the secret and where it was looked for when absent. */
  readonly get: (name: string) => Promise<string>;
  /** Whether `set` can persist values. */
  readonly writable: boolean;
  /** Stores a new value (a rotated token); a ConfigError (`secret.read_only`) for providers that cannot persist. */
  readonly set: (name: string, value: string) => Promise<void>;
};

export type SecretStoreDefinition = {
  readonly provider: string;
  readonly describe: (name: string) => string;
  /** Returns the raw value or undefined; called only with valid names. */
  readonly read: (name: string) => Promise<string | undefined>;
  /** Persists a value; absent for read-only providers. */
  readonly write?: (name: string, value: string) => Promise<void>;
  /** Why the provider cannot persist and what to do instead (read-only providers). */
  readonly readOnlyHint?: string;
};

/** Throws a ValidationError unless `name` is a valid secret name. */
export function assertSecretName(name: string): void {
  if (!SECRET_NAME_PATTERN.test(name)) {
    throw new ValidationError('secret.bad_name', `Secret name ${JSON.stringify(name)} is not valid: use letters, digits, _, . and -, starting with a letter, digit or _.`, { context: { secret: name } });
  }
}

/** Builds a SecretStore from a provider's read/write functions: validates names, registers values, raises clear errors. */
export function defineSecretStore(definition: SecretStoreDefinition): SecretStore {
  const find = async (name: string): Promise<string | undefined> => {
    assertSecretName(name);
    const value = await definition.read(name);
    if (value !== undefined) {
      registerSecretValue(value);
    }
    return value;
  };
  const write = definition.write;
  return {
    provider: definition.provider,
    describe: definition.describe,
    find,
    get: async (name) => {
      const value = await find(name);
      if (value === undefined) {
        throw new NotFoundError('secret.not_found', `Secret ${JSON.stringify(name)} was not found; looked in ${definition.describe(name)}. Create it there (see docs/secrets.md) or fix the secret name in the source's \`secrets:\` metadata.`, {
          context: { secret: name, provider: definition.provider },
        });
      }
      return value;
    },
    writable: write !== undefined,
    set: async (name, value) => {
      assertSecretName(name);
      registerSecretValue(value);
      if (write === undefined) {
        throw new ConfigError('secret.read_only', `Secret ${JSON.stringify(name)} cannot be saved: the ${definition.provider} secret provider cannot persist values. ${definition.readOnlyHint ?? ''}`.trim(), {
          context: { secret: name, provider: definition.provider },
        });
      }
      await write(name, value);
    },
  };
}
