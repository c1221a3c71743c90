import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { canonicalHash } from '../canonicalHash.ts';
import type { Source } from '../schema.ts';
import type { ChangeKind } from './catalogChanges.ts';

const changeRow = z.object({ name: z.string(), change: z.enum(['added', 'changed', 'unchanged', 'restored']) });

/**
 * Writes every dataset of the metadata (un-retiring those that come back) and tells, per `<source>.<dataset>`,
 * whether it was added, changed, restored or unchanged.
 */
export async function upsertDatasets(db: CommonQueryMethods, versionId: number, sources: readonly Source[]): Promise<{ name: string; change: ChangeKind }[]> {
  const rows = sources.flatMap((source) =>
    source.datasets.map((dataset) => ({
      source: source.source,
      dataset: dataset.name,
      load: dataset.load,
      key_columns: dataset.key,
      deleted_flag: dataset.deleted_flag ?? null,
      definition: dataset,
      hash: canonicalHash(dataset),
    })),
  );
  const result = await db.any(sql.type(changeRow)`
    WITH incoming AS (
      SELECT source, dataset, load, ARRAY(SELECT jsonb_array_elements_text(key_columns)) AS key_columns, deleted_flag, definition, hash
      FROM jsonb_to_recordset(${sql.jsonb(rows)})
        AS x(source text, dataset text, load text, key_columns jsonb, deleted_flag text, definition jsonb, hash text)
    ), previous AS (
      SELECT d.source, d.dataset, d.hash, d.retired_at FROM platform.datasets AS d JOIN incoming USING (source, dataset)
    ), written AS (
      INSERT INTO platform.datasets (source, dataset, load, key_columns, deleted_flag, definition, hash, created_version, changed_version)
      SELECT source, dataset, load, key_columns, deleted_flag, definition, hash, ${versionId}, ${versionId} FROM incoming
      ON CONFLICT (source, dataset) DO UPDATE SET
        load = excluded.load,
        key_columns = excluded.key_columns,
        deleted_flag = excluded.deleted_flag,
        definition = excluded.definition,
        hash = excluded.hash,
        changed_version = CASE WHEN datasets.hash = excluded.hash THEN datasets.changed_version ELSE excluded.changed_version END,
        retired_at = NULL,
        retired_version = NULL
      RETURNING source
    )
    SELECT i.source || '.' || i.dataset AS name,
      CASE WHEN p.dataset IS NULL THEN 'added'
           WHEN p.retired_at IS NOT NULL THEN 'restored'
           WHEN p.hash <> i.hash THEN 'changed'
           ELSE 'unchanged' END AS change
    FROM incoming AS i LEFT JOIN previous AS p USING (source, dataset)`);
  return [...result];
}
