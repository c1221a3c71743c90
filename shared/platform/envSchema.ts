/**
 * Every environment variable the platform reads, as one zod schema: each key with how it is parsed, its
 * literal default and what it is for (`.describe`). docs/configuration.md lists the same keys (a test checks
 * both ways); env.ts applies the schema. Values arrive as strings, an empty string counts as unset, and a
 * key's error message is the part after "Environment variable KEY" — it shows the value only where the value
 * cannot hold a credential.
 */
import { z } from 'zod';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SECRETS_PROVIDERS = ['files', 'infisical', 'env'] as const;
export type SecretsProviderKind = (typeof SECRETS_PROVIDERS)[number];

/** Keys whose value may instead come from a file named by `<KEY>_FILE` (an OpenFaaS secret). */
export const FILE_KEYS = ['DATABASE_URL', 'MONGODB_URL', 'DP_S3_ACCESS_KEY_ID', 'DP_S3_SECRET_ACCESS_KEY', 'DP_CONSOLE_PASSWORD'] as const;

function problem(context: z.core.$RefinementCtx<string>, message: string): void {
  context.addIssue({ code: 'custom', message });
}

/** A whole number in [min, max]. */
function wholeNumber(fallback: number, min: number, max: number, unit: string) {
  return z
    .string()
    .transform((text, context) => {
      const value = Number(text);
      if (!Number.isInteger(value) || value < min || value > max) {
        problem(context, `=${JSON.stringify(text)} is out of range; set it to a whole number of ${unit} between ${min} and ${max} or unset it (default ${fallback}).`);
        return z.NEVER;
      }
      return value;
    })
    .default(fallback);
}

function port(fallback: number) {
  return z
    .string()
    .transform((text, context) => {
      const value = Number(text);
      if (!Number.isInteger(value) || value < 1 || value > 65_535) {
        problem(context, `=${JSON.stringify(text)} is not a TCP port; set it to a whole number between 1 and 65535 or unset it.`);
        return z.NEVER;
      }
      return value;
    })
    .default(fallback);
}

/** A URL of one of `protocols`; the value is never shown, it may hold a password. */
function url(protocols: readonly string[]) {
  return z.string().superRefine((text, context) => {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      problem(context, `is not a URL; expected ${protocols.map((protocol) => `${protocol}//…`).join(' or ')}.`);
      return;
    }
    if (!protocols.includes(parsed.protocol)) problem(context, `uses ${parsed.protocol}; expected ${protocols.join(' or ')}.`);
  });
}

/** `1` or `true` (any other value is false). */
const flag = z
  .string()
  .optional()
  .transform((text) => text === '1' || text === 'true');

const text = z.string();

export const envSchema = z.object({
  // Services and local state.
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional().describe('Postgres URL of the platform database (catalog, runs, silver, gold). Default: the project\'s own server on DP_POSTGRES_PORT; when set, the project never starts one.'),
  DATABASE_URL_FILE: text.optional().describe('A file holding DATABASE_URL (an OpenFaaS secret); DATABASE_URL wins when both are set.'),
  MONGODB_URL: url(['mongodb:']).optional().describe('MongoDB-wire URL of the bronze store, database name included. Default: the project\'s own FerretDB on DP_MONGODB_PORT, logged into with PLAIN auth as the role of DATABASE_URL.'),
  MONGODB_URL_FILE: text.optional().describe('A file holding MONGODB_URL.'),
  DP_POSTGRES_PORT: port(54_329).describe('Port of the project\'s own local Postgres.'),
  DP_MONGODB_PORT: port(27_117).describe('Port of the project\'s own local FerretDB.'),
  DP_DATA_DIR: text.default('.data').describe('Folder for local state (database files, built binaries, raw files, inbox, archive, generated passwords), relative to the project.'),
  DP_METADATA_DIR: text.default('metadata').describe('Folder of the metadata YAML files `dp metadata validate|sync` reads, relative to the project.'),
  DP_USE_CONTAINERS: text
    .optional()
    .transform((value) => value !== 'false')
    .describe('`false`: never start testcontainers, even where a Docker engine answers. Default true.'),
  DOCKER_HOST: text.optional().describe('The Docker engine testcontainers talks to.'),
  CI: flag.describe('`true` or `1`: the test runner stops the servers it started when it finishes.'),

  // Logging.
  DP_LOG_LEVEL: text
    .superRefine((level, context) => {
      if (!(LOG_LEVELS as readonly string[]).includes(level)) problem(context, `=${JSON.stringify(level)} is not a level; use one of ${LOG_LEVELS.join(', ')}.`);
    })
    .transform((level) => level as LogLevel)
    .default('info')
    .describe('Lowest level the structured logger writes.'),
  DP_FUNCTION_NAME: text.optional().describe('The `fn` field of every log line. Default: faas_function_name, else `dp`.'),
  faas_function_name: text.optional().describe('Set by OpenFaaS in every function: the default of DP_FUNCTION_NAME.'),

  // Functions and the local gateway (docs/infrastructure.md). The template reads its own DP_FUNCTION_* keys.
  DP_STEP_BUDGET_MS: wholeNumber(40_000, 1_000, 55_000, 'milliseconds').describe('Time budget of one step invocation, in milliseconds, kept below the 60 s function timeout.'),
  DP_GATEWAY_URL: url(['http:', 'https:']).default('http://127.0.0.1:8080').describe('Base URL of the OpenFaaS gateway functions and `dp` call (stack.yml sets the one of faasd).'),
  DP_GATEWAY_PORT: port(8080).describe('Port of the local gateway (`dp gateway`, `dp up`).'),
  DP_GATEWAY_USER: text
    .superRefine((user, context) => {
      if (user.includes(':')) problem(context, 'may not contain ":" (basic auth separates user and password with it); choose another user name.');
    })
    .default('admin')
    .describe('Basic-auth user of the gateway\'s /system routes.'),
  DP_GATEWAY_PASSWORD: text.optional().describe('Basic-auth password of the local gateway. Default: one generated once into <DP_DATA_DIR>/secrets/basic-auth-password.'),
  DP_GATEWAY_ASYNC_CONCURRENCY: wholeNumber(1, 1, 64, 'concurrent invocations').describe('Async invocations the local gateway runs at once (the CE queue-worker runs 1).'),
  DP_GATEWAY_MAX_BODY_BYTES: wholeNumber(32 * 1024 * 1024, 1024, 1024 * 1024 * 1024, 'bytes').describe('Largest sync request body the local gateway accepts, counted while it streams (async bodies: 1 MB, as NATS).'),
  DP_STACK_FILE: text.default('stack.yml').describe('The stack file the local gateway serves, relative to the project.'),
  DP_DEMO_EXIT: flag.describe('`1` or `true`: `dp up --demo` exits after its summary, like `--exit`.'),

  // Raw store and the files connector.
  DP_RAW_STORE_URL: url(['file:', 's3:']).optional().describe('Where raw part files go: `file:///folder` or `s3://bucket/prefix`. Default: file://<DP_DATA_DIR>/raw.'),
  DP_S3_ENDPOINT: url(['http:', 'https:']).optional().describe('The S3-compatible endpoint of an `s3://` raw store, inbox or archive (faasd: http://seaweedfs:8333).'),
  DP_S3_REGION: text.default('us-east-1').describe('Signing region of the S3 endpoint.'),
  DP_S3_ACCESS_KEY_ID: text.optional().describe('The S3 access key id.'),
  DP_S3_ACCESS_KEY_ID_FILE: text.optional().describe('A file holding DP_S3_ACCESS_KEY_ID.'),
  DP_S3_SECRET_ACCESS_KEY: text.optional().describe('The S3 secret key; masked in every log line.'),
  DP_S3_SECRET_ACCESS_KEY_FILE: text.optional().describe('A file holding DP_S3_SECRET_ACCESS_KEY.'),
  DP_INBOX_DIR: text.default('inbox').describe('Root of the files connector\'s inboxes, `<inbox>/<source>/<dataset>`, relative to DP_DATA_DIR.'),
  DP_ARCHIVE_DIR: text.default('archive').describe('Where the files connector moves imported, duplicate and rejected files, relative to DP_DATA_DIR.'),
  DP_INBOX_URL: url(['file:', 's3:']).optional().describe('The inbox as an object store: `file:///folder` or `s3://bucket/prefix` (faasd: s3://dataplatform-raw/inbox, with DP_S3_ENDPOINT and the key pair). Default: file://<DP_INBOX_DIR>.'),
  DP_ARCHIVE_URL: url(['file:', 's3:']).optional().describe('The archive as an object store (faasd: s3://dataplatform-raw/archive). Default: file://<DP_ARCHIVE_DIR>.'),

  // Backups (docs/operations.md).
  DP_BACKUP_URL: url(['file:', 's3:']).optional().describe('Where `dp backup` and the backup agent write, and where `dp restore <id>` looks: `file:///folder` or `s3://bucket/prefix` (the DP_S3_* settings). Default: file://<DP_DATA_DIR>/backups.'),
  DP_BACKUP_WORK_DIR: text.default('backup-work').describe('Scratch folder for a dump on its way to the backup target and back (room for one dump), relative to DP_DATA_DIR.'),
  DP_BACKUP_JOBS: wholeNumber(1, 1, 32, 'workers').describe('pg_dump workers: 1 writes one custom-format file, more dump the directory format in parallel.'),
  DP_BACKUP_KEEP_DAILY: wholeNumber(7, 0, 3650, 'days').describe('Keep the newest backup of each of this many days.'),
  DP_BACKUP_KEEP_WEEKLY: wholeNumber(4, 0, 520, 'weeks').describe('Keep the newest backup of each of this many ISO weeks.'),
  DP_PG_BIN_DIR: text.optional().describe('Folder of pg_dump and pg_restore when the ones on PATH are older than the server.'),

  // Secrets (DP_SECRET_<NAME> values are read one by one, by envSecret).
  DP_SECRETS_PROVIDER: text
    .transform((list, context) => {
      const names = list
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '');
      const unknown = names.find((name) => !(SECRETS_PROVIDERS as readonly string[]).includes(name));
      if (unknown !== undefined) problem(context, `names ${JSON.stringify(unknown)}, which is not a secret provider; use a comma-separated list of ${SECRETS_PROVIDERS.join(', ')}.`);
      else if (names.length === 0) problem(context, `is empty; use a comma-separated list of ${SECRETS_PROVIDERS.join(', ')} or unset it.`);
      return names as SecretsProviderKind[];
    })
    .default(['files', 'env'])
    .describe('Secret providers asked in order, comma-separated: files, infisical, env.'),
  DP_SECRETS_DIR: text.default('/var/openfaas/secrets').describe('Folder of the `files` secret provider, one file per secret.'),
  DP_INFISICAL_SITE_URL: url(['https:', 'http:']).default('https://app.infisical.com').describe('The Infisical instance.'),
  DP_INFISICAL_PROJECT_ID: text.optional().describe('The Infisical project holding the secrets; required for the `infisical` provider.'),
  DP_INFISICAL_ENVIRONMENT: text.default('prod').describe('Infisical environment slug.'),
  DP_INFISICAL_SECRET_PATH: text.default('/').describe('Folder of the secrets inside the Infisical environment.'),

  // The orchestrator (docs/orchestration.md).
  DP_CALLBACK_BASE_URL: url(['http:', 'https:']).optional().describe('Where the queue-worker posts step callbacks. Default: DP_GATEWAY_URL.'),
  DP_CALLBACK_TIMEOUT_SECONDS: wholeNumber(180, 1, 86_400, 'seconds').describe('A sent step without a callback for longer is dispatched again by the tick.'),
  DP_WEBHOOK_REPLAY_WINDOW_SECONDS: wholeNumber(86_400, 1, 30 * 86_400, 'seconds').describe('How long a webhook delivery is remembered: a replay within it (same delivery id, or same signed body) starts nothing.'),
  DP_MAX_ATTEMPTS: wholeNumber(4, 1, 100, 'attempts').describe('Attempts per step chunk, the first included, before the run fails.'),
  DP_RETRY_BASE_MS: wholeNumber(30_000, 0, 3_600_000, 'milliseconds').describe('Delay before the second attempt of a failed step; doubles per attempt.'),
  DP_RETRY_MAX_MS: wholeNumber(900_000, 0, 86_400_000, 'milliseconds').describe('Longest delay between two attempts.'),

  // Invocation logs and the console (docs/console.md).
  DP_LOG_LINES_PER_INVOCATION: wholeNumber(200, 10, 10_000, 'lines').describe('Log lines kept in platform.invocation_logs per step invocation; the last one says how many more were dropped.'),
  DP_LOG_RETENTION_DAYS: wholeNumber(30, 1, 3650, 'days').describe('The orchestrator\'s tick deletes kept log lines older than this.'),
  DP_CONSOLE_USER: text
    .superRefine((user, context) => {
      if (user.includes(':')) problem(context, 'may not contain ":" (basic auth separates user and password with it); choose another user name.');
    })
    .optional()
    .describe('Basic-auth user of the console. Default: DP_GATEWAY_USER.'),
  DP_CONSOLE_PASSWORD: text.optional().describe('Basic-auth password of the console (the local gateway hands it its own); without one the console answers 503; masked in every log line.'),
  DP_CONSOLE_PASSWORD_FILE: text.optional().describe('A file holding DP_CONSOLE_PASSWORD (faasd: the console-password secret).'),
  DP_CONSOLE_BASE_PATH: text
    .transform((base) => base.replace(/\/+$/, ''))
    .superRefine((base, context) => {
      if (base !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(base)) problem(context, `=${JSON.stringify(base)} is not a URL path; use something like /function/console (letters, digits, . _ ~ - between slashes).`);
    })
    .default('/function/console')
    .describe('The path the console is served under, for its links.'),
});

export type EnvValues = z.output<typeof envSchema>;
