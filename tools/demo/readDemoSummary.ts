import type { Db } from 'mongodb';

import type { CommonQueryMethods } from '#platform/db/sql.ts';
import { countGoldRows } from '#orchestrator/api/countGoldRows.ts';
import { NotFoundError } from '#platform/errors.ts';
import { listDependentModels } from '#metadata/catalog/listDependentModels.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import type { Dataset } from '#metadata/schema.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import { readSilverSummary, type KeyHistory as SilverKeyHistory } from '#silver/readSilverSummary.ts';

export type DatasetLanding = {
  readonly dataset: string;
  /** `silver.<source>__<dataset>`. */
  readonly table: string;
  readonly key: readonly string[];
  /** Bronze documents: every record received, all runs. */
  readonly bronze: number;
  /** Current, not deleted rows. */
  readonly current: number;
  /** Current tombstones (keys the source no longer has). */
  readonly deleted: number;
  /** Every version kept. */
  readonly versions: number;
  /** Columns whose change overwrites every version (scd 1). */
  readonly scd1: readonly string[];
  /** Keys with more than one version, each version's validity and the values that differ between versions. */
  readonly histories: readonly KeyHistory[];
};

export type KeyHistory = {
  /** `T00005`, or `a / b` for a composite key. */
  readonly key: string;
  readonly versions: readonly {
    readonly validFrom: string;
    readonly validTo: string | null;
    readonly current: boolean;
    readonly deleted: boolean;
    /** The business values that differ between the key's versions. */
    readonly values: Readonly<Record<string, unknown>>;
  }[];
};

export type ModelLanding = { readonly model: string; readonly table: string; readonly rows: number | null };

export type DemoSummary = { readonly source: string; readonly datasets: readonly DatasetLanding[]; readonly models: readonly ModelLanding[] };

/** At most this many multi-version keys are shown per dataset. */
const MAX_HISTORIES = 10;

/** The histories silver kept, as the demo prints them: the key as text and, per version, the business values that differ between versions. */
function showHistories(histories: readonly SilverKeyHistory[], dataset: Dataset): KeyHistory[] {
  const business = dataset.columns.map((column) => column.name).filter((name) => !dataset.key.includes(name));
  return histories
    .map((history) => {
      const differing = business.filter((name) => new Set(history.versions.map((version) => JSON.stringify(version.values[name]))).size > 1);
      return {
        key: history.key.map(String).join(' / '),
        versions: history.versions.map((version) => ({
          validFrom: version.validFrom.toISOString(),
          validTo: version.validTo === null ? null : version.validTo.toISOString(),
          current: version.current,
          deleted: version.deleted,
          values: Object.fromEntries(differing.map((name) => [name, version.values[name]])),
        })),
      };
    })
    .sort((a, b) => a.key.localeCompare(b.key));
}

async function countCollection(bronze: Db, name: string): Promise<number> {
  try {
    return await bronze.collection(name).countDocuments();
  } catch (error) {
    throw translateMongoError(error);
  }
}

/**
 * What a source's runs left behind, read from the databases: per dataset the bronze documents, the
 * silver rows (current, deleted, every version) and the keys with history; then the gold models
 * that read the source, with their row counts (null while a model was never built).
 */
export async function readDemoSummary(db: CommonQueryMethods, bronze: Db, source: string): Promise<DemoSummary> {
  const catalog = await loadCatalog(db);
  const definition = catalog.metadata.sources.find((candidate) => candidate.source === source);
  if (definition === undefined) {
    throw new NotFoundError('demo.source_missing', `Source \`${source}\` is not in the metadata catalog; run \`dp metadata sync\`.`, { context: { source } });
  }
  const datasets: DatasetLanding[] = [];
  const models = new Map<string, ModelLanding>();
  for (const dataset of definition.datasets) {
    const silver = await readSilverSummary(db, source, dataset, { histories: MAX_HISTORIES });
    datasets.push({
      dataset: dataset.name,
      table: silver?.table ?? `silver.${datasetTableName(source, dataset.name)}`,
      key: dataset.key,
      bronze: await countCollection(bronze, datasetTableName(source, dataset.name)),
      current: silver?.current ?? 0,
      deleted: silver?.deleted ?? 0,
      versions: silver?.versions ?? 0,
      scd1: dataset.columns.filter((column) => column.scd === 1 && !dataset.key.includes(column.name)).map((column) => column.name),
      histories: silver === null ? [] : showHistories(silver.histories, dataset),
    });
    for (const dependent of await listDependentModels(db, { source, dataset: dataset.name })) {
      const name = dependent.model.name;
      if (models.has(name)) continue;
      const rows = await countGoldRows(db, name);
      models.set(name, { model: name, table: `gold.${name}`, rows });
    }
  }
  return { source, datasets, models: [...models.values()] };
}
