import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { ColumnType, Source } from '#metadata/schema.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { FORMATTED_TYPES } from './silverSchema.ts';

/** A column whose metadata type differs from its type in the dataset's existing silver table. */
export type SilverRetype = {
  readonly source: string;
  readonly dataset: string;
  /** `silver.<source>__<dataset>` */
  readonly table: string;
  readonly column: string;
  /** The column's type in the silver table, as Postgres names it. */
  readonly silverType: string;
  readonly declaredType: ColumnType;
};

const silverColumn = z.object({ table_name: z.string(), column_name: z.string(), type: z.string() });
const catalogColumn = z.object({ source: z.string(), dataset: z.string(), column_name: z.string(), type: z.string() });

/**
 * The columns `sources` declare with another type than their dataset's existing silver table has — and that the
 * catalog does not already declare so (a retype a sync accepted before is not new). Silver cannot change a
 * column's type in place without rewriting its history, so `syncMetadata` refuses these unless told otherwise.
 */
export async function findSilverRetypes(db: CommonQueryMethods, sources: readonly Source[]): Promise<SilverRetype[]> {
  const existing = await db.any(sql.type(silverColumn)`
    SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
    FROM pg_attribute a
    JOIN pg_class c ON c.oid = a.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'silver' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped`);
  const silverTypes = new Map(existing.map((row) => [`${row.table_name}.${row.column_name}`, row.type]));
  const catalog = await db.any(sql.type(catalogColumn)`SELECT source, dataset, column_name, type FROM platform.columns`);
  const catalogTypes = new Map(catalog.map((row) => [`${row.source}.${row.dataset}.${row.column_name}`, row.type]));
  const found: SilverRetype[] = [];
  for (const source of sources) {
    for (const dataset of source.datasets) {
      const table = datasetTableName(source.source, dataset.name);
      for (const column of dataset.columns) {
        const silverType = silverTypes.get(`${table}.${column.name}`);
        if (silverType === undefined || silverType === FORMATTED_TYPES[column.type]) continue;
        if (catalogTypes.get(`${source.source}.${dataset.name}.${column.name}`) === column.type) continue;
        found.push({ source: source.source, dataset: dataset.name, table: `silver.${table}`, column: column.name, silverType, declaredType: column.type });
      }
    }
  }
  return found;
}

/** The sentence naming each retype and the ways on, for the refusal of a sync and for a change report. */
export function describeSilverRetypes(retypes: readonly SilverRetype[]): string {
  const datasets = [...new Set(retypes.map((retype) => `${retype.source}.${retype.dataset}`))];
  const each = retypes.map((retype) => `\`${retype.source}.${retype.dataset}\`: column \`${retype.column}\` is ${retype.silverType} in ${retype.table}, ${retype.declaredType} in the metadata`).join('; ');
  return `${each}. Silver keeps every version with its type, so a column's type does not change in place: restore the type, or add a column with the new type under a new name, or rebuild the dataset's silver from its raw archive under the new metadata (\`dp metadata sync --allow-retype\`, then ${datasets.map((name) => `\`dp replay ${name}\``).join(', ')}; loads of the dataset are refused until then).`;
}
