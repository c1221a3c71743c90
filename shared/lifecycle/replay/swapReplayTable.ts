import { z } from 'zod';

import { sql, type DatabasePool } from '#platform/db/sql.ts';
import { silverIndexNames } from '#silver/silverSchema.ts';
import type { replayNames } from './replayNames.ts';

/**
 * Puts a rebuilt silver table in place in ONE transaction, under the merge lock of the dataset: the
 * current `silver.<table>` (renamed, its indexes too) moves to `silver_old`, `replay.<table>` moves to
 * `silver`, and the replayed runs' silver rejects replace theirs in `platform.rejects` (extract rejects stay). Readers see the old
 * table or the new one, never neither. Returns the old table's name in `silver_old`, or null when there
 * was none.
 */
export async function swapReplayTable(pool: DatabasePool, input: { readonly names: ReturnType<typeof replayNames>; readonly source: string; readonly dataset: string; readonly runIds: readonly string[]; readonly note: string }): Promise<string | null> {
  const { names } = input;
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtext('silver_merge'), hashtext(${names.table}))`);
    const exists = await tx.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass(${`silver.${names.table}`}) IS NOT NULL AS present`);
    let old: string | null = null;
    if (exists) {
      old = names.oldTable;
      const current = silverIndexNames(names.table);
      const renamed = silverIndexNames(old);
      await tx.query(sql.unsafe`ALTER TABLE ${sql.identifier(['silver', names.table])} RENAME TO ${sql.identifier([old])}`);
      await tx.query(sql.unsafe`ALTER INDEX IF EXISTS ${sql.identifier(['silver', current.primaryKey])} RENAME TO ${sql.identifier([renamed.primaryKey])}`);
      await tx.query(sql.unsafe`ALTER INDEX IF EXISTS ${sql.identifier(['silver', current.current])} RENAME TO ${sql.identifier([renamed.current])}`);
      await tx.query(sql.unsafe`ALTER TABLE ${sql.identifier(['silver', old])} SET SCHEMA silver_old`);
      await tx.query(sql.unsafe`COMMENT ON TABLE ${sql.identifier(['silver_old', old])} IS ${sql.literalValue(input.note)}`);
    }
    await tx.query(sql.unsafe`ALTER TABLE ${sql.identifier(['replay', names.table])} SET SCHEMA silver`);
    await tx.query(sql.unsafe`DELETE FROM platform.rejects WHERE source = ${input.source} AND dataset = ${input.dataset} AND layer = 'silver' AND run_id = ANY(${sql.array([...input.runIds], 'text')})`);
    await tx.query(sql.unsafe`
      INSERT INTO platform.rejects (run_id, source, dataset, layer, key, key_hash, column_name, value, reason, origin, created_at)
      SELECT run_id, source, dataset, layer, key, key_hash, column_name, value, reason, origin, created_at
      FROM ${sql.identifier([...names.rejects])} ORDER BY reject_id`);
    await tx.query(sql.unsafe`DROP TABLE ${sql.identifier([...names.rejects])}`);
    return old;
  });
}
