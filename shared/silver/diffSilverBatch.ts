import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { MergeContext } from './mergeContext.ts';

/**
 * What happens to a key, decided once per key by the diff:
 * - `insert`: a key silver does not have (a tombstone when the record is flagged deleted);
 * - `version`: a scd2 column changed → close the current version, insert a new one;
 * - `overwrite`: only scd1 columns changed → overwrite them on every version;
 * - `revive`: the current version is a tombstone and the key is back → close it, insert a new one;
 * - `delete`: absent from a full snapshot, or flagged deleted → close the current version and
 *   insert a tombstone that carries the last known values.
 */
export type DiffAction = 'insert' | 'version' | 'overwrite' | 'revive' | 'delete';

const diffCountsSchema = z.object({ action: z.enum(['insert', 'version', 'overwrite', 'revive', 'delete']), from_batch: z.boolean(), tombstone: z.boolean(), scd1_changed: z.boolean(), keys: z.bigint() });
export type DiffCount = z.output<typeof diffCountsSchema>;

/**
 * Compares the batch with the current rows in ONE join on the 128-bit key hash (a FULL JOIN for
 * full loads, where keys missing from the batch are deletions; a LEFT JOIN for delta loads) and
 * keeps only the keys that change, with their new values, in the small temp table
 * `silver_diff`. Rejected records take part as present keys but never change anything, and so do the keys
 * of records the connector rejected (`platform.rejects`, layer `extract`).
 */
export async function diffSilverBatch(tx: CommonQueryMethods, context: MergeContext): Promise<readonly DiffCount[]> {
  const full = context.plan.load === 'full';
  const join = full ? sql.fragment`FULL JOIN` : sql.fragment`LEFT JOIN`;
  const batchDeleted = sql.fragment`(b._key_hash IS NULL OR b._deleted)`;
  await tx.query(sql.unsafe`
    CREATE TEMP TABLE silver_diff ON COMMIT DROP AS
    SELECT
      coalesce(b._key_hash, c._key_hash) AS _key_hash,
      CASE
        WHEN c._key_hash IS NULL THEN 'insert'
        WHEN c._is_deleted THEN 'revive'
        WHEN ${batchDeleted} THEN 'delete'
        WHEN b._scd2_hash <> c._scd2_hash THEN 'version'
        ELSE 'overwrite'
      END AS action,
      b._key_hash IS NOT NULL AS from_batch,
      coalesce(b._deleted, false) AS tombstone,
      (c._key_hash IS NOT NULL AND b._key_hash IS NOT NULL AND NOT b._deleted AND b._scd1_hash <> c._scd1_hash) AS scd1_changed,
      c._valid_from AS current_from,
      b._scd1_hash, b._scd2_hash, ${context.columnsOf('b')}
    FROM ${context.batch} b
    ${join} (SELECT _key_hash, _scd1_hash, _scd2_hash, _is_deleted, _valid_from FROM ${context.target} WHERE _is_current) c
      ON c._key_hash = b._key_hash
    WHERE coalesce(NOT b._rejected, true)
      -- a record the connector rejected but whose key it could read is present: never deleted for being absent
      AND NOT (b._key_hash IS NULL AND EXISTS (
        SELECT 1 FROM platform.rejects r
        WHERE r.run_id = ${context.runId} AND r.layer = 'extract' AND r.key_hash = c._key_hash
          AND r.source = ${context.plan.source} AND r.dataset = ${context.plan.dataset}))
      AND (
        c._key_hash IS NULL
        OR (c._is_deleted AND NOT ${batchDeleted})
        OR (NOT c._is_deleted AND ${batchDeleted})
        OR (NOT c._is_deleted AND NOT ${batchDeleted} AND (b._scd2_hash <> c._scd2_hash OR b._scd1_hash <> c._scd1_hash))
      )`);
  return tx.any(sql.type(diffCountsSchema)`
    SELECT action, from_batch, tombstone, scd1_changed, count(*) AS keys FROM silver_diff GROUP BY 1, 2, 3, 4`);
}
