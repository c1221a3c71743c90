import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { Dataset } from '#metadata/schema.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { AUDIT_COLUMNS } from './silverSchema.ts';

/** One version of a key, as silver kept it. */
export type SilverVersion = {
  readonly validFrom: Date;
  /** null on the current version. */
  readonly validTo: Date | null;
  readonly current: boolean;
  /** A tombstone: the key was deleted at the source. */
  readonly deleted: boolean;
  /** The business columns of this version. */
  readonly values: Readonly<Record<string, unknown>>;
};

/** Every version of one key, oldest first. */
export type KeyHistory = { readonly key: readonly unknown[]; readonly versions: readonly SilverVersion[] };

export type SilverSummary = {
  /** `silver.<source>__<dataset>`. */
  readonly table: string;
  /** Current rows that are not tombstones: the dataset as it is now. */
  readonly current: number;
  /** Current tombstones (keys the source no longer has). */
  readonly deleted: number;
  /** Every version kept. */
  readonly versions: number;
  /** Keys with more than one version (at most `histories` of them, by key hash), when asked for. */
  readonly histories: readonly KeyHistory[];
};

const countsRow = z.object({ current: z.bigint(), deleted: z.bigint(), versions: z.bigint() });
const versionRow = z.object({ row: z.record(z.string(), z.unknown()), valid_from: z.date(), valid_to: z.date().nullable(), is_current: z.boolean(), is_deleted: z.boolean() });
const AUDIT_NAMES = new Set(AUDIT_COLUMNS.map((column) => column.name));

/**
 * What silver holds for a dataset, without the caller knowing silver's audit columns: rows current, deleted
 * and in all, and (with `histories`) the versions of the first keys that have more than one. Null while the
 * table does not exist (no run reached silver yet).
 */
export async function readSilverSummary(db: CommonQueryMethods, source: string, dataset: Pick<Dataset, 'name' | 'key'>, options: { readonly histories?: number } = {}): Promise<SilverSummary | null> {
  const table = datasetTableName(source, dataset.name);
  const present = await db.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass(${`silver.${JSON.stringify(table)}`}) IS NOT NULL AS present`);
  if (!present) return null;
  const target = sql.identifier(['silver', table]);
  const counts = await db.one(sql.type(countsRow)`
    SELECT count(*) FILTER (WHERE _is_current AND NOT _is_deleted) AS current,
           count(*) FILTER (WHERE _is_current AND _is_deleted) AS deleted,
           count(*) AS versions
    FROM ${target}`);
  const limit = options.histories ?? 0;
  const rows = limit === 0 ? [] : await db.any(sql.type(versionRow)`
    SELECT to_jsonb(t) AS row, t._valid_from AS valid_from, t._valid_to AS valid_to, t._is_current AS is_current, t._is_deleted AS is_deleted
    FROM ${target} AS t
    WHERE t._key_hash IN (SELECT _key_hash FROM ${target} GROUP BY _key_hash HAVING count(*) > 1 ORDER BY _key_hash LIMIT ${limit})
    ORDER BY t._key_hash, t._valid_from`);
  const histories = new Map<string, { key: unknown[]; versions: SilverVersion[] }>();
  for (const version of rows) {
    const key = dataset.key.map((column) => version.row[column]);
    const id = JSON.stringify(key);
    const values = Object.fromEntries(Object.entries(version.row).filter(([name]) => !AUDIT_NAMES.has(name)));
    const history = histories.get(id) ?? { key, versions: [] };
    history.versions.push({ validFrom: version.valid_from, validTo: version.valid_to, current: version.is_current, deleted: version.is_deleted, values });
    histories.set(id, history);
  }
  return { table: `silver.${table}`, current: Number(counts.current), deleted: Number(counts.deleted), versions: Number(counts.versions), histories: [...histories.values()] };
}
