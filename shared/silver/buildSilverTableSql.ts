import { sql } from '#platform/db/sql.ts';
import type { ResolvedColumn } from '#pipeline/records/resolveDatasetColumns.ts';
import { AUDIT_COLUMNS, SQL_TYPES, silverIndexNames, type AuditColumn } from './silverSchema.ts';

type Fragment = ReturnType<typeof sql.fragment>;

/** The statement that creates the one-current-row-per-key index. */
export function buildCurrentIndexSql(table: string): Fragment {
  return sql.fragment`CREATE UNIQUE INDEX IF NOT EXISTS ${sql.identifier([silverIndexNames(table).current])} ON ${sql.identifier(['silver', table])} (_key_hash) WHERE _is_current`;
}

/** The statement that adds the primary key (key hash, version start). */
export function buildPrimaryKeySql(table: string): Fragment {
  return sql.fragment`ALTER TABLE ${sql.identifier(['silver', table])} ADD CONSTRAINT ${sql.identifier([silverIndexNames(table).primaryKey])} PRIMARY KEY (_key_hash, _valid_from)`;
}

/**
 * The statements that create a dataset's silver table: business columns (metadata order, nullable)
 * then the audit columns, the primary key on (_key_hash, _valid_from) and a partial unique index
 * that allows one current row per key.
 */
export function buildCreateSilverTableSql(table: string, columns: readonly ResolvedColumn[]): readonly Fragment[] {
  const definitions = [
    ...columns.map((column) => sql.fragment`${sql.identifier([column.name])} ${SQL_TYPES[column.type]}`),
    ...AUDIT_COLUMNS.map((column) => sql.fragment`${sql.identifier([column.name])} ${column.definition}`),
    sql.fragment`CONSTRAINT ${sql.identifier([silverIndexNames(table).primaryKey])} PRIMARY KEY (_key_hash, _valid_from)`,
  ];
  return [sql.fragment`CREATE TABLE IF NOT EXISTS ${sql.identifier(['silver', table])} (${sql.join(definitions, sql.fragment`, `)})`, buildCurrentIndexSql(table)];
}

/** The statement that adds a column a newer metadata version (or platform version) declares. */
export function buildAddColumnSql(table: string, column: ResolvedColumn | AuditColumn): Fragment {
  const type = 'definition' in column ? column.definition : SQL_TYPES[column.type];
  return sql.fragment`ALTER TABLE ${sql.identifier(['silver', table])} ADD COLUMN IF NOT EXISTS ${sql.identifier([column.name])} ${type}`;
}
