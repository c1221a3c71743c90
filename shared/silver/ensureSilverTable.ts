import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { ConfigError } from '#platform/errors.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { buildAddColumnSql, buildCreateSilverTableSql } from './buildSilverTableSql.ts';
import { describeSilverRetypes } from './findSilverRetypes.ts';
import { AUDIT_COLUMNS, FORMATTED_TYPES } from './silverSchema.ts';

export type EnsureSilverTableResult = {
  readonly table: string;
  readonly created: boolean;
  /** Columns added by ALTER TABLE because the metadata (or the platform) declares them now. */
  readonly added: readonly string[];
};

const attributeSchema = z.object({ name: z.string(), type: z.string() });

/**
 * Creates `silver.<source>__<dataset>` from metadata, or evolves it: columns the metadata added are
 * added with ALTER TABLE (existing rows get NULL). Columns are never dropped or retyped: a column
 * whose declared type differs from the table's is a ConfigError naming the column and the fix.
 */
export async function ensureSilverTable(connection: CommonQueryMethods, columns: DatasetColumns, schema = 'silver'): Promise<EnsureSilverTableResult> {
  const table = datasetTableName(columns.source, columns.dataset);
  const existing = await connection.any(sql.type(attributeSchema)`
    SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ${schema} AND c.relname = ${table} AND a.attnum > 0 AND NOT a.attisdropped`);
  if (existing.length === 0) {
    for (const statement of buildCreateSilverTableSql(table, columns.columns, schema)) {
      await connection.query(sql.unsafe`${statement}`);
    }
    return { table, created: true, added: [] };
  }
  const types = new Map(existing.map((row) => [row.name, row.type]));
  const mismatched = columns.columns.filter((column) => types.has(column.name) && types.get(column.name) !== FORMATTED_TYPES[column.type]);
  if (mismatched.length > 0) {
    const retypes = mismatched.map((column) => ({ source: columns.source, dataset: columns.dataset, table: `silver.${table}`, column: column.name, silverType: types.get(column.name) ?? '?', declaredType: column.type }));
    throw new ConfigError('silver.column_type_changed', `Nothing was merged. ${describeSilverRetypes(retypes)}`, { context: { table, columns: mismatched.map((column) => column.name) } });
  }
  const missing = [...columns.columns, ...AUDIT_COLUMNS].filter((column) => !types.has(column.name));
  for (const column of missing) {
    await connection.query(sql.unsafe`${buildAddColumnSql(table, column, schema)}`);
  }
  return { table, created: false, added: missing.map((column) => column.name) };
}
