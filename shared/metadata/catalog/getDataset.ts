import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { closestName } from '../closestName.ts';
import { datasetSchema, sourceSchema, type DatasetRef } from '../schema.ts';
import { listDatasets } from './listDatasets.ts';

const datasetRow = z.object({
  source_definition: sourceSchema,
  dataset_definition: datasetSchema,
  changed_version: z.bigint().transform(Number),
  retired_at: z.date().nullable(),
  current_version: z.bigint().transform(Number),
});

export type CatalogDataset = DatasetRef & {
  /** The catalog's current metadata version (what a run started now records). */
  readonly versionId: number;
  /** The version the dataset's definition comes from. */
  readonly changedVersion: number;
  /** Set when the dataset was removed from the metadata; the caller decides (the orchestrator refuses to run it). */
  readonly retiredAt: Date | null;
};

/**
 * Reads one dataset and its source from the catalog, parsed into the same types as the YAML. A retired
 * dataset is returned with `retiredAt` set (and `source` as currently defined). Throws `metadata.dataset_not_found`.
 */
export async function getDataset(db: CommonQueryMethods, source: string, dataset: string): Promise<CatalogDataset> {
  const row = await db.maybeOne(sql.type(datasetRow)`
    SELECT s.definition AS source_definition, d.definition AS dataset_definition, d.changed_version, d.retired_at,
      (SELECT max(version_id) FROM platform.metadata_versions) AS current_version
    FROM platform.datasets AS d
    JOIN platform.sources AS s USING (source)
    WHERE d.source = ${source} AND d.dataset = ${dataset}`);
  if (row === null) {
    const known = (await listDatasets(db)).map((entry) => `${entry.source}.${entry.dataset}`);
    const guess = closestName(`${source}.${dataset}`, known);
    throw new NotFoundError(
      'metadata.dataset_not_found',
      `Dataset \`${source}.${dataset}\` is not in the metadata catalog${guess === undefined ? '' : `; did you mean \`${guess}\`?`} If you just added it, run \`dp metadata sync\`.`,
      { context: { source, dataset } },
    );
  }
  return {
    source: row.source_definition,
    dataset: row.dataset_definition,
    versionId: row.current_version,
    changedVersion: row.changed_version,
    retiredAt: row.retired_at,
  };
}
