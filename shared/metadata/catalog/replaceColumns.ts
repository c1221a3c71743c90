import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { Source } from '../schema.ts';

/** Replaces the column rows of every dataset in `sources` with its current columns (retired datasets keep theirs). */
export async function replaceColumns(db: CommonQueryMethods, sources: readonly Source[]): Promise<void> {
  const datasets = sources.flatMap((source) => source.datasets.map((dataset) => ({ source: source.source, dataset: dataset.name })));
  const columns = sources.flatMap((source) =>
    source.datasets.flatMap((dataset) =>
      dataset.columns.map((column, position) => ({
        source: source.source,
        dataset: dataset.name,
        column_name: column.name,
        position,
        type: column.type,
        scd: String(column.scd),
        is_key: dataset.key.includes(column.name),
        source_path: column.source ?? null,
        description: column.description ?? null,
      })),
    ),
  );
  await db.query(sql.unsafe`
    DELETE FROM platform.columns AS c
    USING jsonb_to_recordset(${sql.jsonb(datasets)}) AS x(source text, dataset text)
    WHERE c.source = x.source AND c.dataset = x.dataset`);
  await db.query(sql.unsafe`
    INSERT INTO platform.columns (source, dataset, column_name, position, type, scd, is_key, source_path, description)
    SELECT source, dataset, column_name, position, type, scd, is_key, source_path, description
    FROM jsonb_to_recordset(${sql.jsonb(columns)})
      AS x(source text, dataset text, column_name text, position integer, type text, scd text, is_key boolean, source_path text, description text)`);
}
