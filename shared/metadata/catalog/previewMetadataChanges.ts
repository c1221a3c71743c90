import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { isPlatformError } from '#platform/errors.ts';
import { describeSchemaChange, type DescribedChange } from '../changes/describeSchemaChange.ts';
import { diffDataset } from '../changes/diffDataset.ts';
import type { MetadataSet, Source } from '../schema.ts';
import { datasetTableName } from '../datasetTableName.ts';
import { loadCatalog } from './loadCatalog.ts';

/** What a sync would change for one dataset that is already in the catalog. */
export type DatasetChangePreview = {
  readonly source: string;
  readonly dataset: string;
  /** `silver.<source>__<dataset>` */
  readonly table: string;
  /** The silver table exists and holds rows: the changes meet history. Without it they apply freely. */
  readonly hasHistory: boolean;
  readonly changes: readonly DescribedChange[];
  /** The command that rebuilds the dataset under the new metadata, when a replay is the better (or the only) path. */
  readonly replay: string | null;
};

const hasRows = z.object({ has: z.boolean() });

/**
 * Compares the metadata about to be synced with the catalog's current version, dataset by dataset, and says
 * what each change will do to silver (`describeSchemaChange`), before anything is written. A dataset whose
 * silver table holds no rows yet takes any change as it is. Empty before the first sync.
 */
export async function previewMetadataChanges(db: CommonQueryMethods, metadata: Pick<MetadataSet, 'sources'>): Promise<readonly DatasetChangePreview[]> {
  let previous: readonly Source[];
  try {
    previous = (await loadCatalog(db)).metadata.sources;
  } catch (error) {
    if (isPlatformError(error) && error.code === 'metadata.not_synced') return [];
    throw error;
  }
  const previews: DatasetChangePreview[] = [];
  for (const source of metadata.sources) {
    for (const dataset of source.datasets) {
      const before = previous.find((candidate) => candidate.source === source.source)?.datasets.find((candidate) => candidate.name === dataset.name);
      if (before === undefined) continue;
      const table = datasetTableName(source.source, dataset.name);
      const found = diffDataset(before, dataset);
      if (found.length === 0) continue;
      const exists = await db.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass(${`silver.${table}`}) IS NOT NULL AS present`);
      const history = exists && (await db.oneFirst(sql.type(hasRows)`SELECT EXISTS (SELECT 1 FROM ${sql.identifier(['silver', table])}) AS has`));
      const changes = found.map((change) => {
        const described = describeSchemaChange(change, `silver.${table}`);
        return history ? described : { ...described, effect: `silver.${table} holds no history yet: the next run creates it under the new definition`, advice: 'none' as const };
      });
      previews.push({ source: source.source, dataset: dataset.name, table: `silver.${table}`, hasHistory: history, changes, replay: changes.some((change) => change.advice !== 'none') ? `dp replay ${source.source}.${dataset.name}` : null });
    }
  }
  return previews;
}
