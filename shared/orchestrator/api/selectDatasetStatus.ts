import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { runStatusColumns } from './runStatusColumns.ts';

/** The newest run of a dataset or model, as status shows it. */
export const lastRunSchema = z.object({
  run_id: z.string(),
  status: z.string(),
  trigger: z.string(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
  error: z.unknown(),
}).nullable();

const datasetStatusRow = z.object({
  source: z.string(),
  dataset: z.string(),
  connector: z.string(),
  load: z.string(),
  schedule: z.string().nullable(),
  last_run: lastRunSchema,
  last_success_at: z.date().nullable(),
  active_run_id: z.string().nullable(),
});
export type DatasetStatusRow = z.output<typeof datasetStatusRow>;

/** Every active dataset of the catalog with its last run, last success and active run. */
export async function selectDatasetStatus(db: CommonQueryMethods): Promise<readonly DatasetStatusRow[]> {
  return db.any(sql.type(datasetStatusRow)`
    SELECT d.source, d.dataset, s.connector, d.load, d.definition->'trigger'->>'schedule' AS schedule,
           ${runStatusColumns('dataset', sql.fragment`d.source`, sql.fragment`d.dataset`)}
    FROM platform.datasets AS d
    JOIN platform.sources AS s USING (source)
    WHERE d.retired_at IS NULL
    ORDER BY d.source, d.dataset`);
}
