import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/**
 * Marks retired every active dataset that is not in `present` (`<source>.<dataset>` names); returns their
 * names. The catalog rows, columns and the dataset's silver table stay: retiring never deletes data.
 */
export async function retireMissingDatasets(db: CommonQueryMethods, versionId: number, present: readonly string[]): Promise<string[]> {
  const names = await db.anyFirst(sql.type(z.object({ name: z.string() }))`
    UPDATE platform.datasets
    SET retired_at = now(), retired_version = ${versionId}
    WHERE retired_at IS NULL AND NOT (source || '.' || dataset = ANY(${sql.array(present, 'text')}))
    RETURNING source || '.' || dataset AS name`);
  return [...names];
}
