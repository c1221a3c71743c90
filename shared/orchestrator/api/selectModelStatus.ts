import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const modelRow = z.object({ model: z.string(), depends_on: z.array(z.string()) });
export type ModelStatusRow = z.output<typeof modelRow>;

/** Every active gold model with what it reads. */
export async function selectModelStatus(db: CommonQueryMethods): Promise<readonly ModelStatusRow[]> {
  return db.any(sql.type(modelRow)`
    SELECT g.model, ARRAY(SELECT jsonb_array_elements_text(g.definition->'depends_on')) AS depends_on
    FROM platform.gold_models AS g
    WHERE g.retired_at IS NULL
    ORDER BY g.model`);
}
