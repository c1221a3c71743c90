import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { ConfigError } from '../errors.ts';
import { defineSecretStore, type SecretStore } from './secretStore.ts';

export type FileSecretStoreOptions = {
  /** Folder holding one file per secret. Default on faasd: /var/openfaas/secrets (DP_SECRETS_DIR). */
  readonly directory: string;
};

/** Removes the one trailing newline editors and `echo` add; inner whitespace is part of the value. */
const stripTrailingNewline = (text: string): string => text.replace(/\r?\n$/, '');

/**
 * Secrets as files, one per secret, named after the secret: the way OpenFaaS mounts them
 * (`faas-cli secret create ynab-token --from-file=token.txt` → /var/openfaas/secrets/ynab-token).
 * Writes go through a temporary file and a rename, readable by the owner only; on faasd the
 * mount is read-only, so saving a rotated token there fails with a clear error.
 */
export function createFileSecretStore(options: FileSecretStoreOptions): SecretStore {
  const directory = path.resolve(options.directory);
  const fileOf = (name: string): string => path.join(directory, name);
  return defineSecretStore({
    provider: 'files',
    describe: (name) => `file ${fileOf(name)}`,
    read: async (name) => {
      try {
        return stripTrailingNewline(await readFile(fileOf(name), 'utf8'));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw new ConfigError('secret.unreadable', `Secret file ${fileOf(name)} exists but cannot be read (${code ?? 'error'}); check its permissions.`, { cause: error, context: { secret: name } });
      }
    },
    write: async (name, value) => {
      const file = fileOf(name);
      const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
      try {
        await mkdir(directory, { recursive: true });
        await writeFile(temporary, value, { mode: 0o600 });
        await chmod(temporary, 0o600);
        await rename(temporary, file);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        throw new ConfigError('secret.write_failed', `Secret ${JSON.stringify(name)} could not be saved to ${file} (${code ?? 'error'}). On faasd the secrets folder is read-only: keep secrets that rotate (OAuth2 refresh tokens) in Infisical (DP_SECRETS_PROVIDER=infisical,files) or point DP_SECRETS_DIR at a writable folder.`, {
          cause: error,
          context: { secret: name },
        });
      }
    },
  });
}
