import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { ConflictError } from '#platform/errors.ts';
import { INSERT_AUDIT_COLUMNS, type MergeContext } from './mergeContext.ts';

/**
 * Writes the keys in `silver_diff` to the silver table with four set-based statements, each
 * touching only changed keys (through the primary key): overwrite scd1 columns on every version,
 * close current versions, insert new versions, insert tombstones that copy the closed version.
 * Refuses (ConflictError) to close a version that started at or after this run's boundary: runs of a
 * dataset are merged in order.
 */
export async function applySilverDiff(tx: CommonQueryMethods, context: MergeContext): Promise<void> {
  const { target, boundary, runId } = context;
  const late = await tx.oneFirst(sql.type(z.object({ keys: z.bigint() }))`
    SELECT count(*) AS keys FROM silver_diff WHERE action IN ('version', 'revive', 'delete') AND current_from >= ${boundary}`);
  if (late > 0n) {
    throw new ConflictError('silver.out_of_order', `Run ${runId} would close ${late} current version(s) of silver.${context.table} that start at or after its boundary; runs of a dataset are merged in the order they started. Start a new run instead of merging an older one.`, { context: { runId, table: context.table, keys: Number(late) } });
  }

  const scd1 = context.plan.columns.filter((column) => column.role === 1);
  if (scd1.length > 0) {
    const assignments = scd1.map((column) => sql.fragment`${sql.identifier([column.name])} = ${sql.identifier(['d', column.name])}`);
    await tx.query(sql.unsafe`
      UPDATE ${target} t SET ${sql.join(assignments, sql.fragment`, `)}, _scd1_hash = d._scd1_hash, _updated_run_id = ${runId}, _updated_at = now()
      FROM silver_diff d
      WHERE d.scd1_changed AND t._key_hash = d._key_hash`);
  }
  await tx.query(sql.unsafe`
    UPDATE ${target} t SET _valid_to = ${boundary}, _is_current = false, _updated_run_id = ${runId}, _updated_at = now()
    FROM silver_diff d
    WHERE d.action IN ('version', 'revive', 'delete') AND t._key_hash = d._key_hash AND t._is_current`);
  await tx.query(sql.unsafe`
    INSERT INTO ${target} (${context.columns}, ${INSERT_AUDIT_COLUMNS})
    SELECT ${context.columnsOf('d')}, d._key_hash, d._scd1_hash, d._scd2_hash, ${boundary}, NULL, true, d.tombstone, ${runId}, ${runId}, now(), now()
    FROM silver_diff d
    WHERE d.action IN ('insert', 'version', 'revive')`);
  await tx.query(sql.unsafe`
    INSERT INTO ${target} (${context.columns}, ${INSERT_AUDIT_COLUMNS})
    SELECT ${context.columnsOf('t')}, t._key_hash, t._scd1_hash, t._scd2_hash, ${boundary}, NULL, true, true, ${runId}, ${runId}, now(), now()
    FROM silver_diff d
    JOIN ${target} t ON t._key_hash = d._key_hash AND t._valid_from = d.current_from
    WHERE d.action = 'delete'`);
}
