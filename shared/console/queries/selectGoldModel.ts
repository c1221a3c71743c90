import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const modelRow = z.object({
  model: z.string(),
  description: z.string().nullable(),
  sql_file: z.string(),
  sql_text: z.string(),
  depends_on: z.array(z.string()),
  changed_version: z.bigint().transform(Number),
  retired_at: z.date().nullable(),
});
/** A gold model of the catalog with its SQL. */
export type GoldModelView = z.output<typeof modelRow>;

/** One gold model of the catalog, or null when there is none of that name. */
export async function selectGoldModel(db: CommonQueryMethods, model: string): Promise<GoldModelView | null> {
  return db.maybeOne(sql.type(modelRow)`
    SELECT model, definition->>'description' AS description, sql_file, sql_text,
           ARRAY(SELECT jsonb_array_elements_text(definition->'depends_on')) AS depends_on, changed_version, retired_at
    FROM platform.gold_models WHERE model = ${model}`);
}
