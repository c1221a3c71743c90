import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const factsRow = z.object({
  source: z.string(),
  dataset: z.string(),
  changed_version: z.bigint().transform(Number),
  rejects: z.number(),
});
/** Per active dataset: the metadata version its definition comes from, and how many rejects it has. */
export type DatasetFacts = z.output<typeof factsRow>;

/** The catalog facts the datasets page adds to each dataset's status. */
export async function selectDatasetFacts(db: CommonQueryMethods): Promise<readonly DatasetFacts[]> {
  return db.any(sql.type(factsRow)`
    SELECT d.source, d.dataset, d.changed_version,
           (SELECT count(*) FROM platform.rejects AS j WHERE j.source = d.source AND j.dataset = d.dataset)::int AS rejects
    FROM platform.datasets AS d
    WHERE d.retired_at IS NULL`);
}
