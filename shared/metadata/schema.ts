/**
 * The metadata contract: zod schemas for the YAML files under `metadata/` and the readonly types
 * every other part of the platform accepts (connectors, silver, gold, orchestrator).
 *
 * YAML keys are snake_case; the parsed types keep the same names so an error path printed for a
 * file (`datasets[2].columns[0].type`) is exactly what the user edits.
 * Cross-field rules (key columns declared, depends_on targets exist, no cycles, secret look-alikes) live in
 * `checkSourceRules.ts`, `checkGoldRules.ts` and `findSecretLiterals.ts`; `validateMetadata.ts` runs them all
 * and reports every problem of a file at once.
 */
import { z } from 'zod';

import { parseSchedule } from '#platform/cron/parseSchedule.ts';
import { isPlatformError } from '#platform/errors.ts';

/** The default of a dataset's `max_delete_share`. */
export const DEFAULT_MAX_DELETE_SHARE = 0.5;

/** Names of sources, datasets, columns and models; safe as Postgres identifiers and Mongo collection names. */
export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

export const nameSchema = z
  .string()
  .max(48, { message: 'is longer than 48 characters; Postgres identifiers are limited, shorten it' })
  .regex(NAME_PATTERN, { message: 'must match ^[a-z][a-z0-9_]*$ (lower case letters, digits and _; starting with a letter)' });

/**
 * A secret's name, as `faas-cli secret create` accepts it (a DNS-1123 subdomain: lower-case letters, digits, `-`
 * and `.`, starting and ending with a letter or digit), so the same name works as an OpenFaaS secret file, an
 * Infisical key and (upper-cased, `-` as `_`) a DP_SECRET_ variable.
 */
export const SECRET_NAME_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const secretNameSchema = z
  .string()
  .max(253, { message: 'is longer than 253 characters, which faas-cli refuses' })
  .regex(SECRET_NAME_PATTERN, { message: 'is not a secret name faas-cli accepts: use lower-case letters, digits, - and . (github-token, not github_token)' });

/** Postgres types a silver column may have, and how a received value is cast to each. */
export const COLUMN_TYPES = ['text', 'integer', 'bigint', 'numeric', 'double precision', 'boolean', 'date', 'timestamptz', 'jsonb', 'uuid'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/**
 * How a column's changes are historised in silver:
 * - `2`: a change closes the current version and opens a new one (full history);
 * - `1`: a change overwrites the value on every version of the key (no new version);
 * - `none`: stored with each version, but a change alone neither opens a version nor overwrites.
 */
export const SCD_KINDS = [1, 2, 'none'] as const;
export type ScdKind = (typeof SCD_KINDS)[number];

export const columnSchema = z.strictObject({
  name: nameSchema,
  type: z.enum(COLUMN_TYPES, { message: `is not a supported type; allowed: ${COLUMN_TYPES.join(', ')}` }),
  /** Default 2. Key columns are identity and ignore this. */
  scd: z.literal(SCD_KINDS, { message: 'must be 1, 2 or none' }).default(2),
  /** Dotted path of the value in a received record (`payee.name`); default: the column name. */
  source: z.string().min(1).optional(),
  description: z.string().optional(),
});
export type Column = z.output<typeof columnSchema>;

export const retentionSchema = z.strictObject({
  /** Days raw files are kept after their run; default: kept forever. */
  raw_days: z.number().int().positive().optional(),
  /** Days after a run's start day when its raw part files are gzipped (still read as before, a few times smaller); default: never. */
  raw_compress_days: z.number().int().positive().optional(),
  /** Days bronze documents are kept after their run; default: kept forever. */
  bronze_days: z.number().int().positive().optional(),
});
export type Retention = z.output<typeof retentionSchema>;

export const datasetTriggerSchema = z.strictObject({
  /** When the orchestrator's tick starts this dataset: the same schedules as stack.yml's cron-connector (5-field cron in UTC, @daily…, `@every 30m`). */
  schedule: z
    .string()
    .superRefine((value, context) => {
      try {
        parseSchedule(value);
      } catch (error) {
        if (!isPlatformError(error)) throw error;
        context.addIssue({
          code: 'custom',
          message: String(error.context.problem),
          params: { fix: 'write 5 cron fields in UTC (`0 6 * * *` is 06:00 every day), a descriptor (@hourly, @daily, @weekly, @monthly) or `@every 30m`' },
        });
      }
    })
    .optional(),
  /** Whether a webhook for the source starts a delta run of this dataset. Default true. */
  webhook: z.boolean().default(true),
});

export const datasetSchema = z.strictObject({
  name: nameSchema,
  description: z.string().optional(),
  /** `full`: every run delivers the whole dataset, absent keys are deleted. `delta`: only changes, absent keys untouched. */
  load: z.enum(['full', 'delta'], { message: 'must be full or delta' }),
  /** Business key: the columns that identify a record. */
  key: z.array(nameSchema).min(1, { message: 'needs at least one key column' }),
  columns: z.array(columnSchema).min(1, { message: 'needs at least one column' }),
  /**
   * Full loads: the largest share (0–1) of the current rows one snapshot may delete because their keys are
   * absent; a snapshot that would delete more, or that has no usable record and would delete any, is refused
   * until a person confirms it (`dp run --accept-deletes`). 1 accepts every deletion. Default 0.5.
   */
  max_delete_share: z.number({ message: 'must be a number from 0 to 1' }).min(0, { message: 'must be from 0 to 1' }).max(1, { message: 'must be from 0 to 1 (1 accepts every deletion)' }).optional(),
  /** Column whose true value marks the record as deleted (delta loads, e.g. YNAB `deleted`). */
  deleted_flag: nameSchema.optional(),
  /** Connector settings for this dataset (path, records path, cursor, paginator…), checked by the connector's own schema. */
  extract: z.record(z.string(), z.unknown()).default({}),
  retention: retentionSchema.default({}),
  trigger: datasetTriggerSchema.optional(),
});
export type Dataset = z.output<typeof datasetSchema>;

export const sourceSchema = z.strictObject({
  /** The source's name; a file `metadata/<name>.yml` holds one source. */
  source: nameSchema,
  description: z.string().optional(),
  /** Connector kind: the OpenFaaS function that extracts it (`files`, `rest`, `ynab`, …). */
  connector: nameSchema,
  /** Connector settings shared by all datasets (base URL, auth kind, inbox…), checked by the connector's own schema. */
  config: z.record(z.string(), z.unknown()).default({}),
  /** Secret references: a role the connector asks for → the secret's name in the secret store. Never values. */
  secrets: z.record(nameSchema, secretNameSchema).default({}),
  /** Name of the secret holding the HMAC key that signs webhook calls for this source; without it webhooks are refused. */
  webhook_secret: secretNameSchema.optional(),
  datasets: z.array(datasetSchema).min(1, { message: 'needs at least one dataset' }),
});
export type Source = z.output<typeof sourceSchema>;

export const goldModelSchema = z.strictObject({
  name: nameSchema,
  description: z.string().optional(),
  /** SQL file, relative to the metadata folder; a single SELECT whose result becomes `gold.<name>`. */
  sql: z.string().regex(/\.sql$/, { message: 'must name a .sql file relative to the metadata folder' }),
  /** Upstream datasets (`<source>.<dataset>`) and models (`gold.<model>`); a change in any rebuilds this model. */
  depends_on: z
    .array(z.string().regex(/^(gold\.[a-z][a-z0-9_]*|[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*)$/, { message: 'must be <source>.<dataset> or gold.<model>' }))
    .min(1, { message: 'needs at least one upstream dataset or model' }),
});
export type GoldModel = z.output<typeof goldModelSchema>;

export const goldFileSchema = z.strictObject({
  models: z.array(goldModelSchema).min(1, { message: 'needs at least one model' }),
});

/** A dataset together with the source it belongs to: what layer steps receive. */
export type DatasetRef = {
  readonly source: Source;
  readonly dataset: Dataset;
};

/** The whole parsed metadata folder. */
export type MetadataSet = {
  readonly sources: readonly Source[];
  readonly models: readonly GoldModel[];
  /** SQL text of each model, by model name (read from its `sql` file). */
  readonly modelSql: Readonly<Record<string, string>>;
  /** sha256 over the normalised content; equal hashes mean nothing changed. */
  readonly hash: string;
};
