import type { Db } from 'mongodb';
import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { listDependentModels } from '#metadata/catalog/listDependentModels.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import type { Dataset } from '#metadata/schema.ts';
import { silverTableName } from '#metadata/silverTableName.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';

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

const countsRow = z.object({ current: z.bigint(), deleted: z.bigint(), versions: z.bigint() });
const versionRow = z.object({ row: z.record(z.string(), z.unknown()) });
const exists = z.object({ found: z.boolean() });

/** At most this many multi-version keys are shown per dataset. */
const MAX_HISTORIES = 10;

async function readHistories(db: CommonQueryMethods, table: string, dataset: Dataset): Promise<KeyHistory[]> {
  const target = sql.identifier(['silver', table]);
  const rows = await db.any(sql.type(versionRow)`
    SELECT to_jsonb(t) AS row FROM ${target} AS t
    WHERE t._key_hash IN (
      SELECT _key_hash FROM ${target} GROUP BY _key_hash HAVING count(*) > 1 ORDER BY _key_hash LIMIT ${MAX_HISTORIES}
    )
    ORDER BY t._key_hash, t._valid_from`);
  const byKey = new Map<string, Record<string, unknown>[]>();
  for (const { row } of rows) {
    const key = dataset.key.map((column) => String(row[column])).join(' / ');
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  const business = dataset.columns.map((column) => column.name).filter((name) => !dataset.key.includes(name));
  return [...byKey.entries()]
    .map(([key, versions]) => {
      const differing = business.filter((name) => new Set(versions.map((version) => JSON.stringify(version[name]))).size > 1);
      return {
        key,
        versions: versions.map((version) => ({
          validFrom: String(version._valid_from),
          validTo: version._valid_to === null || version._valid_to === undefined ? null : String(version._valid_to),
          current: version._is_current === true,
          deleted: version._is_deleted === true,
          values: Object.fromEntries(differing.map((name) => [name, version[name]])),
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
    const table = silverTableName(source, dataset.name);
    const present = await db.one(sql.type(exists)`SELECT to_regclass(${`silver.${table}`}) IS NOT NULL AS found`);
    const counts = present.found
      ? await db.one(sql.type(countsRow)`
          SELECT count(*) FILTER (WHERE _is_current AND NOT _is_deleted) AS current,
                 count(*) FILTER (WHERE _is_current AND _is_deleted) AS deleted,
                 count(*) AS versions
          FROM ${sql.identifier(['silver', table])}`)
      : { current: 0n, deleted: 0n, versions: 0n };
    datasets.push({
      dataset: dataset.name,
      table: `silver.${table}`,
      key: dataset.key,
      bronze: await countCollection(bronze, table),
      current: Number(counts.current),
      deleted: Number(counts.deleted),
      versions: Number(counts.versions),
      scd1: dataset.columns.filter((column) => column.scd === 1 && !dataset.key.includes(column.name)).map((column) => column.name),
      histories: present.found ? await readHistories(db, table, dataset) : [],
    });
    for (const dependent of await listDependentModels(db, { source, dataset: dataset.name })) {
      const name = dependent.model.name;
      if (models.has(name)) continue;
      const built = await db.one(sql.type(exists)`SELECT to_regclass(${`gold.${name}`}) IS NOT NULL AS found`);
      const rows = built.found ? Number(await db.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM ${sql.identifier(['gold', name])}`)) : null;
      models.set(name, { model: name, table: `gold.${name}`, rows });
    }
  }
  return { source, datasets, models: [...models.values()] };
}
