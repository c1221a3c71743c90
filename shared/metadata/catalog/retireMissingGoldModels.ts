import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** Marks retired every active gold model not in `present` (model names); returns `gold.<model>` names. Their tables stay. */
export async function retireMissingGoldModels(db: CommonQueryMethods, versionId: number, present: readonly string[]): Promise<string[]> {
  const names = await db.anyFirst(sql.type(z.object({ name: z.string() }))`
    UPDATE platform.gold_models
    SET retired_at = now(), retired_version = ${versionId}
    WHERE retired_at IS NULL AND NOT (model = ANY(${sql.array(present, 'text')}))
    RETURNING 'gold.' || model AS name`);
  return [...names];
}
