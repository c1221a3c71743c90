/**
 * The one module that reads `process.env`.
 *
 * Every key the platform understands is listed here with its default and what it is for.
 * Literal defaults come first, the environment overrides them, and invariant checks run last
 * and name the key that breaks them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ConfigError } from './errors.ts';
import { registerSecretValue } from './redact.ts';
import { envSecretVariable } from './secrets/createEnvSecretStore.ts';

/** The repository (or image) root: the folder holding `shared/` (this file is shared/platform/env.ts). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type Env = {
  /** Postgres URL of the platform database. Default: the project's local server. */
  readonly databaseUrl: string;
  /** Whether DATABASE_URL was set explicitly (then the platform never starts a server itself). */
  readonly databaseUrlFromEnv: boolean;
  /** MongoDB-wire URL of the bronze store, database name included. */
  readonly mongodbUrl: string;
  readonly mongodbUrlFromEnv: boolean;
  /** Folder for local state: database files, built binaries, raw files, logs. Git-ignored. */
  readonly dataDir: string;
  /** Folder of the metadata YAML files (`<source>.yml`, `gold/`) read by `dp metadata validate|sync`. Default: `metadata/` of the project (DP_METADATA_DIR). */
  readonly metadataDir: string;
  /** Port of the project's own local Postgres server. */
  readonly postgresPort: number;
  /** Port of the project's own local FerretDB server. */
  readonly mongodbPort: number;
  /** Minimum level written by the structured logger. */
  readonly logLevel: LogLevel;
  /** Name the structured logger puts in `fn` (the OpenFaaS function name when deployed). */
  readonly functionName: string;
  /** `true` when running under CI (the test runner then stops the services it started). */
  readonly ci: boolean;
  /** Docker engine address for testcontainers, when set (DOCKER_HOST). */
  readonly dockerHost: string | undefined;
  /** Set DP_USE_CONTAINERS=false to never try testcontainers even where a Docker engine exists. */
  readonly useContainers: boolean;

  // Functions and the local gateway (docs/infrastructure.md). The template reads its own DP_FUNCTION_* keys.
  /** Time budget of one step invocation in milliseconds, kept below the 60 s function timeout. DP_STEP_BUDGET_MS, default 40000, at most 55000. */
  readonly stepBudgetMs: number;
  /** Base URL of the OpenFaaS gateway that functions call (on faasd `http://gateway:8080`). DP_GATEWAY_URL, default http://127.0.0.1:8080. */
  readonly gatewayUrl: string;
  /** Port of the local gateway (`dp gateway`). DP_GATEWAY_PORT, default 8080. */
  readonly gatewayPort: number;
  /** Basic-auth user of the gateway's /system routes. DP_GATEWAY_USER, default admin. */
  readonly gatewayUser: string;
  /** Basic-auth password of the local gateway; when unset one is generated into <dataDir>/secrets/basic-auth-password. DP_GATEWAY_PASSWORD. */
  readonly gatewayPassword: string | undefined;
  /** Async invocations the local gateway runs at once (the CE queue-worker runs 1). DP_GATEWAY_ASYNC_CONCURRENCY, default 1. */
  readonly gatewayAsyncConcurrency: number;
  /** The OpenFaaS stack file the local gateway serves. DP_STACK_FILE, default <projectRoot>/stack.yml. */
  readonly stackFile: string;
  /** Where raw files go: `file:///folder` or `s3://bucket/prefix` (object store on faasd). DP_RAW_STORE_URL, default file://<dataDir>/raw. */
  readonly rawStoreUrl: string;
  /** S3-compatible endpoint of an `s3://` raw store (on faasd `http://seaweedfs:8333`). DP_S3_ENDPOINT; no default. */
  readonly s3Endpoint: string | undefined;
  /** Signing region of the S3 endpoint. DP_S3_REGION, default us-east-1. */
  readonly s3Region: string;
  /**
   * The S3 access key pair, from DP_S3_ACCESS_KEY_ID / DP_S3_SECRET_ACCESS_KEY or their `_FILE`
   * variants (OpenFaaS secret files). A function rather than a field so printing the configuration never prints the key.
   */
  readonly s3Credentials: () => { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /**
   * Secret providers asked in order (DP_SECRETS_PROVIDER, comma-separated: `files`, `infisical`, `env`).
   * Default: `files,env` (OpenFaaS secret files, then DP_SECRET_<NAME> variables for local runs).
   */
  readonly secretsProviders: readonly SecretsProviderKind[];
  /** Folder of secret files, one file per secret (DP_SECRETS_DIR). Default: /var/openfaas/secrets, where faasd mounts them. */
  readonly secretsDir: string;
  /**
   * The value of the environment variable DP_SECRET_<NAME> (name upper-cased), for the `env` secret provider.
   * A function rather than a field so that printing the configuration never prints secret values.
   */
  readonly envSecret: (name: string) => string | undefined;
  /** Infisical settings for the `infisical` secret provider; its client id and secret are themselves secrets (`infisical-client-id`, `infisical-client-secret`). */
  readonly infisical: {
    /** DP_INFISICAL_SITE_URL. Default: https://app.infisical.com. */
    readonly siteUrl: string;
    /** DP_INFISICAL_PROJECT_ID: the project (workspace) holding the secrets. No default; required when the provider is used. */
    readonly projectId: string | undefined;
    /** DP_INFISICAL_ENVIRONMENT: environment slug. Default: prod. */
    readonly environment: string;
    /** DP_INFISICAL_SECRET_PATH: folder of the secrets inside the environment. Default: /. */
    readonly secretPath: string;
  };
  /** Root of the files connector's inboxes, `<inboxDir>/<source>/<dataset>` (DP_INBOX_DIR). Default: <dataDir>/inbox. */
  readonly inboxDir: string;
  /** Root where the files connector moves imported files, `<archiveDir>/<source>/<dataset>` (DP_ARCHIVE_DIR). Default: <dataDir>/archive. */
  readonly archiveDir: string;
  /** Where the files connector's inboxes are: `file:///folder` or `s3://bucket/prefix` (on faasd, where functions have no volume). DP_INBOX_URL, default file://<inboxDir>. */
  readonly inboxUrl: string;
  /** Where the files connector archives: `file:///folder` or `s3://bucket/prefix`. DP_ARCHIVE_URL, default file://<archiveDir>. */
  readonly archiveUrl: string;
  /** `dp up --demo` exits after printing its summary instead of staying up (DP_DEMO_EXIT=1, like `--exit`). Default: false. */
  readonly demoExit: boolean;

  // The orchestrator (docs/orchestration.md).
  /** Base URL step callbacks are sent to: `<base>/function/orchestrator/callback?…`. DP_CALLBACK_BASE_URL, default DP_GATEWAY_URL. */
  readonly callbackBaseUrl: string;
  /** Milliseconds after which a sent step without a callback is dispatched again by the tick. DP_CALLBACK_TIMEOUT_SECONDS, default 180 s. */
  readonly callbackTimeoutMs: number;
  /** Attempts per step chunk (the first one included) before the run fails. DP_MAX_ATTEMPTS, default 4. */
  readonly maxAttempts: number;
  /** Delay before the second attempt of a failed step, in milliseconds; doubles per attempt. DP_RETRY_BASE_MS, default 30000. */
  readonly retryBaseMs: number;
  /** Longest delay between two attempts, in milliseconds. DP_RETRY_MAX_MS, default 900000 (15 minutes). */
  readonly retryMaxMs: number;
};

export type SecretsProviderKind = 'files' | 'infisical' | 'env';
const SECRETS_PROVIDERS: readonly SecretsProviderKind[] = ['files', 'infisical', 'env'];

type Source = Readonly<Record<string, string | undefined>>;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

function readPort(source: Source, key: string, fallback: number): number {
  const raw = source[key];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new ConfigError('config.invalid', `Environment variable ${key}=${JSON.stringify(raw)} is not a TCP port; set it to a whole number between 1 and 65535 or unset it.`, { context: { key } });
  }
  return value;
}

function readInteger(source: Source, key: string, fallback: number, min: number, max: number, unit: string): number {
  const raw = source[key];
  if (raw === undefined || raw === '') {
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError('config.invalid', `Environment variable ${key}=${JSON.stringify(raw)} is out of range; set it to a whole number of ${unit} between ${min} and ${max} or unset it (default ${fallback}).`, { context: { key } });
  }
  return value;
}

/**
 * `KEY_FILE` names a file holding the value of `KEY` (the Docker and OpenFaaS secret convention:
 * `DATABASE_URL_FILE=/var/openfaas/secrets/database-url`), so connection strings with passwords
 * never sit in a function's environment. `KEY` itself wins when both are set.
 */
function withFileValue(source: Source, key: string): string | undefined {
  const direct = source[key];
  const file = source[`${key}_FILE`];
  if ((direct !== undefined && direct !== '') || file === undefined || file === '') {
    return direct;
  }
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError('config.invalid', `Environment variable ${key}_FILE points at ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); create the secret (faas-cli secret create) and list it under the function's secrets in stack.yml.`, { context: { key: `${key}_FILE` } });
  }
}

/** Masks the password of a connection URL in every log line and error body. */
function registerUrlPassword(value: string): void {
  try {
    const password = new URL(value).password;
    if (password !== '') {
      // Both forms: a log line may quote the URL (encoded) or the password a driver decoded from it.
      registerSecretValue(password);
      registerSecretValue(decodeURIComponent(password));
    }
  } catch {
    // Not a URL: readUrl has already rejected it.
  }
}

function readUrl(source: Source, key: string, fallback: string, protocols: readonly string[]): { value: string; fromEnv: boolean } {
  const raw = source[key];
  if (raw === undefined || raw === '') {
    return { value: fallback, fromEnv: false };
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError('config.invalid', `Environment variable ${key} is not a URL; expected ${protocols.map((p) => `${p}//…`).join(' or ')}.`, { context: { key } });
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError('config.invalid', `Environment variable ${key} uses ${parsed.protocol}; expected ${protocols.join(' or ')}.`, { context: { key } });
  }
  return { value: raw, fromEnv: true };
}

/** Builds the platform's configuration from an environment (defaults to `process.env`). */
export function loadEnv(source: Source = process.env): Env {
  const dataDir = path.resolve(projectRoot, source.DP_DATA_DIR || '.data');
  const postgresPort = readPort(source, 'DP_POSTGRES_PORT', 54_329);
  const mongodbPort = readPort(source, 'DP_MONGODB_PORT', 27_117);
  const withFiles: Source = { ...source, DATABASE_URL: withFileValue(source, 'DATABASE_URL'), MONGODB_URL: withFileValue(source, 'MONGODB_URL') };
  const database = readUrl(withFiles, 'DATABASE_URL', `postgres://postgres@127.0.0.1:${postgresPort}/dataplatform`, ['postgres:', 'postgresql:']);
  const mongodb = readUrl(withFiles, 'MONGODB_URL', `mongodb://127.0.0.1:${mongodbPort}/dataplatform`, ['mongodb:']);
  registerUrlPassword(database.value);
  registerUrlPassword(mongodb.value);
  const gatewayUrl = readUrl(source, 'DP_GATEWAY_URL', 'http://127.0.0.1:8080', ['http:', 'https:']).value.replace(/\/+$/, '');
  const inboxDir = path.resolve(dataDir, source.DP_INBOX_DIR || 'inbox');
  const archiveDir = path.resolve(dataDir, source.DP_ARCHIVE_DIR || 'archive');
  const rawStoreUrl = readUrl(source, 'DP_RAW_STORE_URL', pathToFileURL(path.join(dataDir, 'raw')).href, ['file:', 's3:']).value;
  const s3Endpoint = source.DP_S3_ENDPOINT ? readUrl(source, 'DP_S3_ENDPOINT', '', ['http:', 'https:']).value : undefined;
  const s3AccessKeyId = withFileValue(source, 'DP_S3_ACCESS_KEY_ID');
  const s3SecretAccessKey = withFileValue(source, 'DP_S3_SECRET_ACCESS_KEY');
  if (s3SecretAccessKey) {
    registerSecretValue(s3SecretAccessKey);
  }
  const gatewayUser = source.DP_GATEWAY_USER || 'admin';
  if (gatewayUser.includes(':')) {
    throw new ConfigError('config.invalid', 'Environment variable DP_GATEWAY_USER may not contain ":" (basic auth separates user and password with it); choose another user name.', { context: { key: 'DP_GATEWAY_USER' } });
  }

  const logLevel = (source.DP_LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('config.invalid', `Environment variable DP_LOG_LEVEL=${JSON.stringify(source.DP_LOG_LEVEL)} is not a level; use one of ${LOG_LEVELS.join(', ')}.`, { context: { key: 'DP_LOG_LEVEL' } });
  }

  const secretsProviders = (source.DP_SECRETS_PROVIDER || 'files,env').split(',').map((name) => name.trim()).filter((name) => name !== '');
  for (const name of secretsProviders) {
    if (!SECRETS_PROVIDERS.includes(name as SecretsProviderKind)) {
      throw new ConfigError('config.invalid', `Environment variable DP_SECRETS_PROVIDER names ${JSON.stringify(name)}, which is not a secret provider; use a comma-separated list of ${SECRETS_PROVIDERS.join(', ')}.`, { context: { key: 'DP_SECRETS_PROVIDER' } });
    }
  }
  if (secretsProviders.length === 0) {
    throw new ConfigError('config.invalid', `Environment variable DP_SECRETS_PROVIDER is empty; use a comma-separated list of ${SECRETS_PROVIDERS.join(', ')} or unset it.`, { context: { key: 'DP_SECRETS_PROVIDER' } });
  }
  const infisicalSite = readUrl(source, 'DP_INFISICAL_SITE_URL', 'https://app.infisical.com', ['https:', 'http:']);

  return Object.freeze({
    databaseUrl: database.value,
    databaseUrlFromEnv: database.fromEnv,
    mongodbUrl: mongodb.value,
    mongodbUrlFromEnv: mongodb.fromEnv,
    dataDir,
    metadataDir: path.resolve(projectRoot, source.DP_METADATA_DIR || 'metadata'),
    postgresPort,
    mongodbPort,
    logLevel,
    functionName: source.DP_FUNCTION_NAME || source.faas_function_name || 'dp',
    ci: source.CI === 'true' || source.CI === '1',
    dockerHost: source.DOCKER_HOST || undefined,
    useContainers: source.DP_USE_CONTAINERS !== 'false',
    stepBudgetMs: readInteger(source, 'DP_STEP_BUDGET_MS', 40_000, 1_000, 55_000, 'milliseconds'),
    gatewayUrl,
    gatewayPort: readPort(source, 'DP_GATEWAY_PORT', 8080),
    gatewayUser,
    gatewayPassword: source.DP_GATEWAY_PASSWORD || undefined,
    gatewayAsyncConcurrency: readInteger(source, 'DP_GATEWAY_ASYNC_CONCURRENCY', 1, 1, 64, 'concurrent invocations'),
    stackFile: path.resolve(projectRoot, source.DP_STACK_FILE || 'stack.yml'),
    rawStoreUrl,
    s3Endpoint,
    s3Region: source.DP_S3_REGION || 'us-east-1',
    s3Credentials: () => (s3AccessKeyId && s3SecretAccessKey ? { accessKeyId: s3AccessKeyId, secretAccessKey: s3SecretAccessKey } : undefined),
    secretsProviders: Object.freeze(secretsProviders as SecretsProviderKind[]),
    secretsDir: path.resolve(source.DP_SECRETS_DIR || '/var/openfaas/secrets'),
    envSecret: (name: string) => source[envSecretVariable(name)] || undefined,
    infisical: Object.freeze({
      siteUrl: infisicalSite.value,
      projectId: source.DP_INFISICAL_PROJECT_ID || undefined,
      environment: source.DP_INFISICAL_ENVIRONMENT || 'prod',
      secretPath: source.DP_INFISICAL_SECRET_PATH || '/',
    }),
    inboxDir,
    archiveDir,
    inboxUrl: readUrl(source, 'DP_INBOX_URL', pathToFileURL(inboxDir).href, ['file:', 's3:']).value,
    archiveUrl: readUrl(source, 'DP_ARCHIVE_URL', pathToFileURL(archiveDir).href, ['file:', 's3:']).value,
    demoExit: source.DP_DEMO_EXIT === '1' || source.DP_DEMO_EXIT === 'true',
    callbackBaseUrl: readUrl(source, 'DP_CALLBACK_BASE_URL', gatewayUrl, ['http:', 'https:']).value.replace(/\/+$/, ''),
    callbackTimeoutMs: readInteger(source, 'DP_CALLBACK_TIMEOUT_SECONDS', 180, 1, 86_400, 'seconds') * 1000,
    maxAttempts: readInteger(source, 'DP_MAX_ATTEMPTS', 4, 1, 100, 'attempts'),
    retryBaseMs: readInteger(source, 'DP_RETRY_BASE_MS', 30_000, 0, 3_600_000, 'milliseconds'),
    retryMaxMs: readInteger(source, 'DP_RETRY_MAX_MS', 900_000, 0, 86_400_000, 'milliseconds'),
  });
}

/** A copy of this process's environment, for starting child processes (the local gateway's functions) that inherit it. */
export function processEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env };
}

let cached: Env | undefined;

/** The configuration of this process, read once. */
export function getEnv(): Env {
  cached ??= loadEnv();
  return cached;
}
