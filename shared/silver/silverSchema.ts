/**
 * The shape of a silver table: business columns from metadata, then the audit columns below.
 * Every version of a key is one row; `_valid_to` is NULL on the current row.
 */
import { createHash } from 'node:crypto';

import { sql } from '#platform/db/sql.ts';
import type { ColumnType } from '#metadata/schema.ts';

type Fragment = ReturnType<typeof sql.fragment>;

/** The SQL type of each metadata column type. */
export const SQL_TYPES: Readonly<Record<ColumnType, Fragment>> = {
  text: sql.fragment`text`,
  integer: sql.fragment`integer`,
  bigint: sql.fragment`bigint`,
  numeric: sql.fragment`numeric`,
  'double precision': sql.fragment`double precision`,
  boolean: sql.fragment`boolean`,
  date: sql.fragment`date`,
  timestamptz: sql.fragment`timestamptz`,
  jsonb: sql.fragment`jsonb`,
  uuid: sql.fragment`uuid`,
};

/** What Postgres' `format_type` reports for each metadata column type. */
export const FORMATTED_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  numeric: 'numeric',
  'double precision': 'double precision',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamp with time zone',
  jsonb: 'jsonb',
  uuid: 'uuid',
};

export type AuditColumn = {
  readonly name: string;
  readonly formatted: string;
  readonly definition: Fragment;
};

/** The audit columns of every silver table, in table order. */
export const AUDIT_COLUMNS: readonly AuditColumn[] = [
  { name: '_key_hash', formatted: 'uuid', definition: sql.fragment`uuid NOT NULL` },
  { name: '_scd1_hash', formatted: 'uuid', definition: sql.fragment`uuid NOT NULL` },
  { name: '_scd2_hash', formatted: 'uuid', definition: sql.fragment`uuid NOT NULL` },
  { name: '_valid_from', formatted: 'timestamp with time zone', definition: sql.fragment`timestamptz NOT NULL` },
  { name: '_valid_to', formatted: 'timestamp with time zone', definition: sql.fragment`timestamptz` },
  { name: '_is_current', formatted: 'boolean', definition: sql.fragment`boolean NOT NULL DEFAULT true` },
  { name: '_is_deleted', formatted: 'boolean', definition: sql.fragment`boolean NOT NULL DEFAULT false` },
  { name: '_run_id', formatted: 'text', definition: sql.fragment`text NOT NULL` },
  { name: '_updated_run_id', formatted: 'text', definition: sql.fragment`text NOT NULL` },
  { name: '_created_at', formatted: 'timestamp with time zone', definition: sql.fragment`timestamptz NOT NULL DEFAULT now()` },
  { name: '_updated_at', formatted: 'timestamp with time zone', definition: sql.fragment`timestamptz NOT NULL DEFAULT now()` },
];

/** Name of an index or constraint of a table, kept within Postgres' 63 characters. */
export function relationName(table: string, suffix: string): string {
  const name = `${table}_${suffix}`;
  if (name.length <= 63) return name;
  const digest = createHash('sha256').update(table).digest('hex').slice(0, 8);
  return `${table.slice(0, 63 - suffix.length - 10)}_${digest}_${suffix}`;
}

/** The primary key (one row per key and version start) and the one-current-row-per-key index. */
export function silverIndexNames(table: string): { readonly primaryKey: string; readonly current: string } {
  return { primaryKey: relationName(table, 'pkey'), current: relationName(table, 'current') };
}
