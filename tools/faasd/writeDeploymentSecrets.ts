import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { ferretdbUrl, postgresUrl } from './connectionUrls.ts';

/**
 * A generated password: 24 random bytes as 48 hex digits. Hex is safe everywhere a password travels
 * unquoted — URLs, shells, YAML, JSON, `.env` files — and still carries 192 bits.
 */
export function generatePassword(): string {
  return randomBytes(24).toString('hex');
}

export type DeploymentSecretsOptions = {
  /** Folder to write (created 0700; files 0600). Existing files are kept as they are. */
  readonly dir: string;
  /** How the operator's machine reaches the server's Postgres (for `dp migrate`): a host name or address. */
  readonly server: string;
  /** Names of the secrets that hold webhook HMAC keys (metadata `webhook_secret`); each gets a random key. */
  readonly webhookSecrets: readonly string[];
  /** Postgres port seen from the operator's machine. Default 5432. */
  readonly serverPostgresPort?: number;
};

export type DeploymentSecrets = {
  /** Every file of the folder, relative to it, and whether this call wrote it or found it there. */
  readonly files: ReadonlyArray<{ readonly file: string; readonly written: boolean }>;
};

/** The names the functions use for the compose services (faasd/docker-compose.yaml, faasd's /etc/hosts). */
const SERVICE = { postgres: { host: 'postgres', port: 5432 }, ferretdb: { host: 'ferretdb', port: 27017 } } as const;
const DB_USER = 'dataplatform';

/**
 * Writes the secrets of a faasd deployment into `dir`, generating each password once:
 *
 *     server/postgres-password        → /var/lib/faasd/secrets/ on the server (Postgres and FerretDB)
 *     server/seaweedfs-s3.json        → /var/lib/faasd/secrets/ on the server (the S3 key pair)
 *     functions/<secret>              → faas-cli secret create <secret> --from-file functions/<secret>
 *     operator/database-url           → DATABASE_URL_FILE for `dp migrate` and `dp metadata sync`
 *     operator/s3-access-key-id, operator/s3-secret-access-key   → `dp inbox put`, the aws CLI
 *
 * Running it again keeps every value it finds, and rebuilds nothing that depends on one.
 */
export async function writeDeploymentSecrets(options: DeploymentSecretsOptions): Promise<DeploymentSecrets> {
  const files: Array<{ file: string; written: boolean }> = [];
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  await chmod(options.dir, 0o700);
  const keep = async (file: string, make: () => string): Promise<string> => {
    const full = path.join(options.dir, file);
    const found = await readFile(full, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (found !== undefined) {
      files.push({ file, written: false });
      return found;
    }
    const value = make();
    await mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
    await writeFile(full, value, { mode: 0o600, flag: 'wx' });
    files.push({ file, written: true });
    return value;
  };

  const password = await keep('server/postgres-password', generatePassword);
  const accessKeyId = await keep('operator/s3-access-key-id', () => 'dataplatform');
  const secretAccessKey = await keep('operator/s3-secret-access-key', generatePassword);
  await keep('server/seaweedfs-s3.json', () =>
    `${JSON.stringify({ identities: [{ name: 'dataplatform', credentials: [{ accessKey: accessKeyId, secretKey: secretAccessKey }], actions: ['Read', 'Write', 'List', 'Tagging', 'Admin'] }] })}\n`,
  );
  const login = { user: DB_USER, password };
  await keep('functions/database-url', () => postgresUrl({ ...login, ...SERVICE.postgres, database: 'dataplatform' }));
  await keep('functions/mongodb-url', () => ferretdbUrl({ ...login, ...SERVICE.ferretdb, database: 'bronze' }));
  await keep('functions/s3-access-key-id', () => accessKeyId);
  await keep('functions/s3-secret-access-key', () => secretAccessKey);
  for (const name of options.webhookSecrets) {
    await keep(`functions/${name}`, generatePassword);
  }
  await keep('operator/database-url', () => postgresUrl({ ...login, host: options.server, port: options.serverPostgresPort ?? 5432, database: 'dataplatform' }));
  return { files };
}
