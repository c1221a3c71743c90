import { z } from 'zod';

import { sql, type DatabasePool } from '#platform/db/sql.ts';
import { ConfigError, PlatformError } from '#platform/errors.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { createSilverRecordMapper } from '#silver/createSilverRecordMapper.ts';
import { ensureSilverTable } from '#silver/ensureSilverTable.ts';
import { AUDIT_COLUMNS, SQL_TYPES } from '#silver/silverSchema.ts';

const PAGE = 5000;

/**
 * Recomputes the scd1 and scd2 hashes of the current rows of `replay.<table>` under the metadata in
 * force, with the merge's own mapper (each column read from itself): the next merge then compares
 * records with these rows exactly as it would had the metadata always been this one. Closed versions
 * are never compared, so they keep theirs.
 */
async function rehashCurrentRows(pool: DatabasePool, plan: DatasetColumns, table: string): Promise<number> {
  const selfRead: DatasetColumns = { ...plan, columns: plan.columns.map((column) => ({ ...column, path: column.name })), key: plan.key.map((column) => ({ ...column, path: column.name })), deletedFlagPath: undefined };
  const map = createSilverRecordMapper(selfRead);
  const target = sql.identifier(['replay', table]);
  const values = sql.join(plan.columns.map((column) => sql.fragment`${sql.identifier([column.name])}::text AS ${sql.identifier([column.name])}`), sql.fragment`, `);
  let after = '00000000-0000-0000-0000-000000000000';
  let first = true;
  let rehashed = 0;
  while (true) {
    const rows = await pool.any(sql.type(z.record(z.string(), z.string().nullable()))`
      SELECT _key_hash::text AS _key_hash, ${values} FROM ${target}
      WHERE _is_current AND (${first} OR _key_hash > ${after}::uuid) ORDER BY _key_hash LIMIT ${PAGE}`);
    if (rows.length === 0) break;
    first = false;
    const updates: [string, string, string][] = [];
    for (const row of rows) {
      const record: Record<string, unknown> = {};
      for (const column of plan.columns) {
        const text = row[column.name] ?? null;
        record[column.name] = text !== null && column.type === 'jsonb' ? JSON.parse(text) : text;
      }
      const mapped = map(record);
      if (mapped.rejects.length === 0) updates.push([row._key_hash as string, mapped.scd1Hash, mapped.scd2Hash]);
    }
    await pool.query(sql.unsafe`
      UPDATE ${target} t SET _scd1_hash = v.scd1, _scd2_hash = v.scd2
      FROM ${sql.unnest(updates, ['uuid', 'uuid', 'uuid'])} AS v(key_hash, scd1, scd2)
      WHERE t._key_hash = v.key_hash AND t._is_current`);
    rehashed += updates.length;
    after = rows.at(-1)?._key_hash as string;
  }
  return rehashed;
}

/**
 * For `dp replay --from <run>`: starts `replay.<table>` with the history silver holds from before that
 * run's boundary, as it stood then — versions that started later are left out, versions closed at or
 * after it are open again — with the columns of the metadata in force (a retyped column cast, a new one
 * NULL, a removed one left out) and the current rows' hashes recomputed. The runs from `boundaryAt` on
 * are then merged again on top.
 */
export async function keepHistoryBefore(pool: DatabasePool, plan: DatasetColumns, table: string, boundaryAt: Date, fromRun: string): Promise<{ readonly versions: number; readonly rehashed: number }> {
  await ensureSilverTable(pool, plan, 'replay');
  const existing = new Set(
    await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
      SELECT a.attname AS name FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'silver' AND c.relname = ${table} AND a.attnum > 0 AND NOT a.attisdropped`),
  );
  const boundary = sql.fragment`${boundaryAt.toISOString()}::timestamptz`;
  const business = plan.columns.map((column) => (existing.has(column.name) ? sql.fragment`s.${sql.identifier([column.name])}::${SQL_TYPES[column.type]}` : sql.fragment`NULL::${SQL_TYPES[column.type]}`));
  const audit = AUDIT_COLUMNS.map((column) => {
    if (column.name === '_valid_to') return sql.fragment`CASE WHEN s._valid_to >= ${boundary} THEN NULL ELSE s._valid_to END`;
    if (column.name === '_is_current') return sql.fragment`(s._valid_to IS NULL OR s._valid_to >= ${boundary})`;
    return sql.fragment`s.${sql.identifier([column.name])}`;
  });
  let versions: number;
  try {
    versions = await pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`
      WITH kept AS (
        INSERT INTO ${sql.identifier(['replay', table])} (${sql.join([...plan.columns, ...AUDIT_COLUMNS].map((column) => sql.identifier([column.name])), sql.fragment`, `)})
        SELECT ${sql.join([...business, ...audit], sql.fragment`, `)}
        FROM ${sql.identifier(['silver', table])} s
        WHERE s._valid_from < ${boundary}
        RETURNING 1
      )
      SELECT count(*) AS n FROM kept`).then(Number);
  } catch (error) {
    const detail = error instanceof PlatformError ? error.message : String(error);
    throw new ConfigError('replay.history_cast_failed', `The history of silver.${table} before run ${fromRun} cannot be carried into the metadata in force (${detail}). Replay the whole history instead (without --from), from the raw files.`, { cause: error, context: { table, fromRun } });
  }
  const rehashed = await rehashCurrentRows(pool, plan, table);
  return { versions, rehashed };
}
