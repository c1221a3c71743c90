import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { runStatusColumns } from './runStatusColumns.ts';
import { lastRunSchema } from './selectDatasetStatus.ts';

const modelStatusRow = z.object({
  model: z.string(),
  depends_on: z.array(z.string()),
  last_run: lastRunSchema,
  last_success_at: z.date().nullable(),
  active_run_id: z.string().nullable(),
});
export type ModelStatusRow = z.output<typeof modelStatusRow>;

/** Every active gold model with what it reads, its last run, last success and active run. */
export async function selectModelStatus(db: CommonQueryMethods): Promise<readonly ModelStatusRow[]> {
  return db.any(sql.type(modelStatusRow)`
    SELECT g.model, ARRAY(SELECT jsonb_array_elements_text(g.definition->'depends_on')) AS depends_on,
           ${runStatusColumns('gold', sql.fragment`'gold'`, sql.fragment`g.model`)}
    FROM platform.gold_models AS g
    WHERE g.retired_at IS NULL
    ORDER BY g.model`);
}
