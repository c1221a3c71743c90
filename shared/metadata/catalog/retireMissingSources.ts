import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Marks retired every active source not in `present`; returns their names. Their rows and data stay. */
export async function retireMissingSources(db: CommonQueryMethods, versionId: number, present: readonly string[]): Promise<string[]> {
  const names = await db.anyFirst(sql.type(z.object({ source: z.string() }))`
    UPDATE platform.sources
    SET retired_at = now(), retired_version = ${versionId}
    WHERE retired_at IS NULL AND NOT (source = ANY(${sql.array(present, 'text')}))
    RETURNING source`);
  return [...names];
}
