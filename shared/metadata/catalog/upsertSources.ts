import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { canonicalHash } from '../canonicalHash.ts';
import type { Source } from '../schema.ts';
import type { ChangeKind } from './catalogChanges.ts';

const changeRow = z.object({ name: z.string(), change: z.enum(['added', 'changed', 'unchanged', 'restored']) });

/**
 * Writes every source of the metadata (un-retiring those that come back) and tells, per source, whether it
 * was added, changed, restored or unchanged. A source counts as changed when its own settings changed.
 */
export async function upsertSources(db: CommonQueryMethods, versionId: number, sources: readonly Source[]): Promise<{ name: string; change: ChangeKind }[]> {
  const rows = sources.map((source) => ({
    source: source.source,
    connector: source.connector,
    definition: source,
    hash: canonicalHash({ ...source, datasets: undefined }),
  }));
  const result = await db.any(sql.type(changeRow)`
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset(${sql.jsonb(rows)}) AS x(source text, connector text, definition jsonb, hash text)
    ), previous AS (
      SELECT s.source, s.hash, s.retired_at FROM platform.sources AS s JOIN incoming USING (source)
    ), written AS (
      INSERT INTO platform.sources (source, connector, definition, hash, created_version, changed_version)
      SELECT source, connector, definition, hash, ${versionId}, ${versionId} FROM incoming
      ON CONFLICT (source) DO UPDATE SET
        connector = excluded.connector,
        definition = excluded.definition,
        hash = excluded.hash,
        changed_version = CASE WHEN sources.hash = excluded.hash THEN sources.changed_version ELSE excluded.changed_version END,
        retired_at = NULL,
        retired_version = NULL
      RETURNING source
    )
    SELECT i.source AS name,
      CASE WHEN p.source IS NULL THEN 'added'
           WHEN p.retired_at IS NOT NULL THEN 'restored'
           WHEN p.hash <> i.hash THEN 'changed'
           ELSE 'unchanged' END AS change
    FROM incoming AS i LEFT JOIN previous AS p USING (source)`);
  return [...result];
}
