/**
 * The one module that reads `process.env`.
 *
 * Every key the platform understands is listed in envSchema.ts with its default and what it is for;
 * the schema's literal defaults come first, the environment overrides them, its checks name the key
 * that breaks them, and this file turns the result into the `Env` the rest of the platform reads.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import type { z } from 'zod';

import { envSchema, FILE_KEYS, type LogLevel, type SecretsProviderKind } from './envSchema.ts';
import { ConfigError } from './errors.ts';
import { registerSecretValue } from './redact.ts';
import { envSecretVariable } from './secrets/createEnvSecretStore.ts';

export type { LogLevel, SecretsProviderKind } from './envSchema.ts';

/** The repository (or image) root: the folder holding `shared/` (this file is shared/platform/env.ts). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type Env = {
  /** Postgres URL of the platform database. Default: the project's local server. */
  readonly databaseUrl: string;
  /** Whether DATABASE_URL was set explicitly (then the platform never starts a server itself). */
  readonly databaseUrlFromEnv: boolean;
  /**
   * MongoDB-wire URL of the bronze store, database name included. Default: the project's own FerretDB,
   * `mongodb://<role of DATABASE_URL>@127.0.0.1:<DP_MONGODB_PORT>/dataplatform?authMechanism=PLAIN`.
   */
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
  /** Largest request body the local gateway accepts for a sync call, in bytes (async calls: 1 MB, as NATS). DP_GATEWAY_MAX_BODY_BYTES, default 33554432 (32 MB). */
  readonly gatewayMaxBodyBytes: number;
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
   * The value of the environment variable DP_SECRET_<NAME> (name upper-cased, `-` and `.` as `_`), for the `env` secret provider.
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

  // Backups (docs/operations.md).
  /** Where `dp backup` and the backup agent write: `file:///folder` or `s3://bucket/prefix`. DP_BACKUP_URL, default file://<dataDir>/backups. */
  readonly backupUrl: string;
  /** Local scratch folder for a dump on its way to the backup target (needs room for one dump). DP_BACKUP_WORK_DIR, default <dataDir>/backup-work. */
  readonly backupWorkDir: string;
  /** pg_dump workers: 1 writes one custom-format file; more dump the directory format in parallel. DP_BACKUP_JOBS, default 1. */
  readonly backupJobs: number;
  /** Keep the newest backup of each of this many days. DP_BACKUP_KEEP_DAILY, default 7. */
  readonly backupKeepDaily: number;
  /** Keep the newest backup of each of this many ISO weeks. DP_BACKUP_KEEP_WEEKLY, default 4. */
  readonly backupKeepWeekly: number;
  /** Folder of pg_dump and pg_restore, when not the ones on PATH (they must be at least the server's major version). DP_PG_BIN_DIR. */
  readonly pgBinDir: string | undefined;

  // The orchestrator (docs/orchestration.md).
  /** Base URL step callbacks are sent to: `<base>/function/orchestrator/callback?…`. DP_CALLBACK_BASE_URL, default DP_GATEWAY_URL. */
  readonly callbackBaseUrl: string;
  /** Milliseconds after which a sent step without a callback is dispatched again by the tick. DP_CALLBACK_TIMEOUT_SECONDS, default 180 s. */
  readonly callbackTimeoutMs: number;
  /** How long a webhook delivery is remembered, so a replay of it starts nothing. DP_WEBHOOK_REPLAY_WINDOW_SECONDS, default 86400 (a day). */
  readonly webhookReplayWindowMs: number;
  /** Attempts per step chunk (the first one included) before the run fails. DP_MAX_ATTEMPTS, default 4. */
  readonly maxAttempts: number;
  /** Delay before the second attempt of a failed step, in milliseconds; doubles per attempt. DP_RETRY_BASE_MS, default 30000. */
  readonly retryBaseMs: number;
  /** Longest delay between two attempts, in milliseconds. DP_RETRY_MAX_MS, default 900000 (15 minutes). */
  readonly retryMaxMs: number;

  // Invocation logs and the console (docs/console.md).
  /** Log lines kept in Postgres per step invocation (the last one says how many more were dropped). DP_LOG_LINES_PER_INVOCATION, default 200. */
  readonly logLinesPerInvocation: number;
  /** Days invocation log lines are kept; the orchestrator's tick deletes older ones. DP_LOG_RETENTION_DAYS, default 30. */
  readonly logRetentionDays: number;
  /** Basic-auth user of the console. DP_CONSOLE_USER, default DP_GATEWAY_USER (admin). */
  readonly consoleUser: string;
  /**
   * Basic-auth password of the console, from DP_CONSOLE_PASSWORD or DP_CONSOLE_PASSWORD_FILE (an OpenFaaS
   * secret file); the local gateway hands the console its own. Without one the console answers 503.
   * A function rather than a field so printing the configuration never prints it.
   */
  readonly consolePassword: () => string | undefined;
  /** Path the console is served under, for its links. DP_CONSOLE_BASE_PATH, default /function/console. */
  readonly consoleBasePath: string;
};

type Source = Readonly<Record<string, string | undefined>>;

/**
 * `KEY_FILE` names a file holding the value of `KEY` (the Docker and OpenFaaS secret convention:
 * `DATABASE_URL_FILE=/var/openfaas/secrets/database-url`), so connection strings with passwords
 * never sit in a function's environment. `KEY` itself wins when both are set.
 */
function readFileValue(key: string, file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    throw new ConfigError('config.invalid', `Environment variable ${key}_FILE points at ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); create the secret (faas-cli secret create) and list it under the function's secrets in stack.yml.`, { context: { key: `${key}_FILE` } });
  }
}

/** The schema's keys from `source`, empty values dropped, `*_FILE` values read. */
function readSource(source: Source): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined && value !== '') values[key] = value;
  }
  for (const key of FILE_KEYS) {
    const file = values[`${key}_FILE`];
    if (values[key] === undefined && file !== undefined) values[key] = readFileValue(key, file);
  }
  return values;
}

/** Masks the password of a connection URL in every log line and error body. */
function registerUrlPassword(value: string): void {
  const password = new URL(value).password;
  if (password === '') return;
  // Both forms: a log line may quote the URL (percent-encoded) or the password a driver decoded from it.
  registerSecretValue(password);
  registerSecretValue(decodeURIComponent(password));
}

/** Every problem of the environment in one ConfigError, naming each key; `context.key` is the first. */
function configError(issues: readonly z.core.$ZodIssue[]): ConfigError {
  const keys = issues.map((issue) => String(issue.path[0]));
  const message = issues.map((issue, index) => `Environment variable ${keys[index]}${issue.message.startsWith('=') ? '' : ' '}${issue.message}`).join(' ');
  return new ConfigError('config.invalid', message, { context: { key: keys[0], keys } });
}

/**
 * The URL of the project's own FerretDB: it stores in the Postgres of `databaseUrl` and, as on faasd, lets in
 * only clients that log in with PLAIN auth as a Postgres role — here the role of `databaseUrl`.
 */
function localMongodbUrl(databaseUrl: string, port: number): string {
  const database = new URL(databaseUrl);
  const url = new URL(`mongodb://127.0.0.1:${port}/dataplatform?authMechanism=PLAIN`);
  url.username = database.username || 'postgres';
  url.password = database.password;
  return url.toString();
}

/**
 * Builds the platform's configuration from an environment (defaults to `process.env`): the schema's literal
 * defaults, overridden by the environment (and `*_FILE` secret files), then the defaults that follow from
 * other keys (the database URLs from the ports, folders under DP_DATA_DIR).
 */
export function loadEnv(source: Source = process.env): Env {
  const values = readSource(source);
  const parsed = envSchema.safeParse(values);
  if (!parsed.success) throw configError(parsed.error.issues);
  const env = parsed.data;
  const dataDir = path.resolve(projectRoot, env.DP_DATA_DIR);
  const databaseUrl = env.DATABASE_URL ?? `postgres://postgres@127.0.0.1:${env.DP_POSTGRES_PORT}/dataplatform`;
  const mongodbUrl = env.MONGODB_URL ?? localMongodbUrl(databaseUrl, env.DP_MONGODB_PORT);
  registerUrlPassword(databaseUrl);
  registerUrlPassword(mongodbUrl);
  const { DP_S3_ACCESS_KEY_ID: s3AccessKeyId, DP_S3_SECRET_ACCESS_KEY: s3SecretAccessKey } = env;
  if (s3SecretAccessKey !== undefined) registerSecretValue(s3SecretAccessKey);
  const consolePassword = env.DP_CONSOLE_PASSWORD;
  if (consolePassword !== undefined) registerSecretValue(consolePassword);
  const gatewayUrl = env.DP_GATEWAY_URL.replace(/\/+$/, '');
  const inboxDir = path.resolve(dataDir, env.DP_INBOX_DIR);
  const archiveDir = path.resolve(dataDir, env.DP_ARCHIVE_DIR);

  return Object.freeze({
    databaseUrl,
    databaseUrlFromEnv: env.DATABASE_URL !== undefined,
    mongodbUrl,
    mongodbUrlFromEnv: env.MONGODB_URL !== undefined,
    dataDir,
    metadataDir: path.resolve(projectRoot, env.DP_METADATA_DIR),
    postgresPort: env.DP_POSTGRES_PORT,
    mongodbPort: env.DP_MONGODB_PORT,
    logLevel: env.DP_LOG_LEVEL,
    functionName: env.DP_FUNCTION_NAME ?? env.faas_function_name ?? 'dp',
    ci: env.CI,
    dockerHost: env.DOCKER_HOST,
    useContainers: env.DP_USE_CONTAINERS,
    stepBudgetMs: env.DP_STEP_BUDGET_MS,
    gatewayUrl,
    gatewayPort: env.DP_GATEWAY_PORT,
    gatewayUser: env.DP_GATEWAY_USER,
    gatewayPassword: env.DP_GATEWAY_PASSWORD,
    gatewayAsyncConcurrency: env.DP_GATEWAY_ASYNC_CONCURRENCY,
    gatewayMaxBodyBytes: env.DP_GATEWAY_MAX_BODY_BYTES,
    stackFile: path.resolve(projectRoot, env.DP_STACK_FILE),
    rawStoreUrl: env.DP_RAW_STORE_URL ?? pathToFileURL(path.join(dataDir, 'raw')).href,
    s3Endpoint: env.DP_S3_ENDPOINT,
    s3Region: env.DP_S3_REGION,
    s3Credentials: () => (s3AccessKeyId !== undefined && s3SecretAccessKey !== undefined ? { accessKeyId: s3AccessKeyId, secretAccessKey: s3SecretAccessKey } : undefined),
    secretsProviders: Object.freeze(env.DP_SECRETS_PROVIDER),
    secretsDir: path.resolve(env.DP_SECRETS_DIR),
    envSecret: (name: string) => source[envSecretVariable(name)] || undefined,
    infisical: Object.freeze({
      siteUrl: env.DP_INFISICAL_SITE_URL,
      projectId: env.DP_INFISICAL_PROJECT_ID,
      environment: env.DP_INFISICAL_ENVIRONMENT,
      secretPath: env.DP_INFISICAL_SECRET_PATH,
    }),
    inboxDir,
    archiveDir,
    inboxUrl: env.DP_INBOX_URL ?? pathToFileURL(inboxDir).href,
    archiveUrl: env.DP_ARCHIVE_URL ?? pathToFileURL(archiveDir).href,
    demoExit: env.DP_DEMO_EXIT,
    backupUrl: env.DP_BACKUP_URL ?? pathToFileURL(path.join(dataDir, 'backups')).href,
    backupWorkDir: path.resolve(dataDir, env.DP_BACKUP_WORK_DIR),
    backupJobs: env.DP_BACKUP_JOBS,
    backupKeepDaily: env.DP_BACKUP_KEEP_DAILY,
    backupKeepWeekly: env.DP_BACKUP_KEEP_WEEKLY,
    pgBinDir: env.DP_PG_BIN_DIR,
    callbackBaseUrl: (env.DP_CALLBACK_BASE_URL ?? gatewayUrl).replace(/\/+$/, ''),
    callbackTimeoutMs: env.DP_CALLBACK_TIMEOUT_SECONDS * 1000,
    webhookReplayWindowMs: env.DP_WEBHOOK_REPLAY_WINDOW_SECONDS * 1000,
    maxAttempts: env.DP_MAX_ATTEMPTS,
    retryBaseMs: env.DP_RETRY_BASE_MS,
    retryMaxMs: env.DP_RETRY_MAX_MS,
    logLinesPerInvocation: env.DP_LOG_LINES_PER_INVOCATION,
    logRetentionDays: env.DP_LOG_RETENTION_DAYS,
    consoleUser: env.DP_CONSOLE_USER ?? env.DP_GATEWAY_USER,
    consolePassword: () => consolePassword,
    consoleBasePath: env.DP_CONSOLE_BASE_PATH,
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
