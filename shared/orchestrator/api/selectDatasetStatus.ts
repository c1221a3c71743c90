import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const datasetRow = z.object({
  source: z.string(),
  dataset: z.string(),
  connector: z.string(),
  load: z.string(),
  schedule: z.string().nullable(),
});
export type DatasetStatusRow = z.output<typeof datasetRow>;

/** Every active dataset of the catalog, with its connector, load and schedule. */
export async function selectDatasetStatus(db: CommonQueryMethods): Promise<readonly DatasetStatusRow[]> {
  return db.any(sql.type(datasetRow)`
    SELECT d.source, d.dataset, s.connector, d.load, d.definition->'trigger'->>'schedule' AS schedule
    FROM platform.datasets AS d
    JOIN platform.sources AS s USING (source)
    WHERE d.retired_at IS NULL
    ORDER BY d.source, d.dataset`);
}
