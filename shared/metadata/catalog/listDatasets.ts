import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const datasetRow = z.object({
  source: z.string(),
  dataset: z.string(),
  connector: z.string(),
  load: z.enum(['full', 'delta']),
  changed_version: z.bigint().transform(Number),
  retired_at: z.date().nullable(),
});

export type CatalogDatasetSummary = {
  readonly source: string;
  readonly dataset: string;
  readonly connector: string;
  readonly load: 'full' | 'delta';
  /** The metadata version the dataset's current definition comes from. */
  readonly changedVersion: number;
  /** When it disappeared from the metadata (its silver data is kept); null while active. */
  readonly retiredAt: Date | null;
};

/** Lists the catalog's datasets by source and name; retired ones only with `includeRetired` (default false). */
export async function listDatasets(db: CommonQueryMethods, options: { readonly includeRetired?: boolean } = {}): Promise<CatalogDatasetSummary[]> {
  const rows = await db.any(sql.type(datasetRow)`
    SELECT d.source, d.dataset, s.connector, d.load, d.changed_version, d.retired_at
    FROM platform.datasets AS d
    JOIN platform.sources AS s USING (source)
    ${options.includeRetired === true ? sql.fragment`` : sql.fragment`WHERE d.retired_at IS NULL`}
    ORDER BY d.source, d.dataset`);
  return rows.map((row) => ({
    source: row.source,
    dataset: row.dataset,
    connector: row.connector,
    load: row.load,
    changedVersion: row.changed_version,
    retiredAt: row.retired_at,
  }));
}
