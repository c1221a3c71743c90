import { sql } from '#platform/db/sql.ts';
import type { ResolvedColumn } from '#pipeline/records/resolveDatasetColumns.ts';
import { AUDIT_COLUMNS, SQL_TYPES, silverIndexNames, type AuditColumn } from './silverSchema.ts';

type Fragment = ReturnType<typeof sql.fragment>;

/** The statement that creates the one-current-row-per-key index (`schema`: default `silver`; a replay builds in `replay`). */
export function buildCurrentIndexSql(table: string, schema = 'silver'): Fragment {
  return sql.fragment`CREATE UNIQUE INDEX IF NOT EXISTS ${sql.identifier([silverIndexNames(table).current])} ON ${sql.identifier([schema, table])} (_key_hash) WHERE _is_current`;
}

/** The statement that adds the primary key (key hash, version start). */
export function buildPrimaryKeySql(table: string, schema = 'silver'): Fragment {
  return sql.fragment`ALTER TABLE ${sql.identifier([schema, table])} ADD CONSTRAINT ${sql.identifier([silverIndexNames(table).primaryKey])} PRIMARY KEY (_key_hash, _valid_from)`;
}

/**
 * The statements that create a dataset's silver table: business columns (metadata order, nullable)
 * then the audit columns, the primary key on (_key_hash, _valid_from) and a partial unique index
 * that allows one current row per key.
 */
export function buildCreateSilverTableSql(table: string, columns: readonly ResolvedColumn[], schema = 'silver'): readonly Fragment[] {
  const definitions = [
    ...columns.map((column) => sql.fragment`${sql.identifier([column.name])} ${SQL_TYPES[column.type]}`),
    ...AUDIT_COLUMNS.map((column) => sql.fragment`${sql.identifier([column.name])} ${column.definition}`),
    sql.fragment`CONSTRAINT ${sql.identifier([silverIndexNames(table).primaryKey])} PRIMARY KEY (_key_hash, _valid_from)`,
  ];
  return [sql.fragment`CREATE TABLE IF NOT EXISTS ${sql.identifier([schema, table])} (${sql.join(definitions, sql.fragment`, `)})`, buildCurrentIndexSql(table, schema)];
}

/** The statement that adds a column a newer metadata version (or platform version) declares. */
export function buildAddColumnSql(table: string, column: ResolvedColumn | AuditColumn, schema = 'silver'): Fragment {
  const type = 'definition' in column ? column.definition : SQL_TYPES[column.type];
  return sql.fragment`ALTER TABLE ${sql.identifier([schema, table])} ADD COLUMN IF NOT EXISTS ${sql.identifier([column.name])} ${type}`;
}
