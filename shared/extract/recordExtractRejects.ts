import { sql, type DatabasePool } from '#platform/db/sql.ts';
import type { RejectedRecord } from '#connectors/types.ts';
import type { DatasetRunRef } from '#pipeline/cursor/datasetRunRef.ts';
import { hexToUuid } from '#pipeline/records/hash128.ts';

const BATCH = 1000;

/**
 * Replaces the rejects an extract chunk reported in `platform.rejects` (layer `extract`), in one
 * transaction: a chunk that runs again lists its rejects once. A reject with a readable key keeps it, so
 * silver counts that key as present in a full snapshot.
 */
export async function recordExtractRejects(pool: DatabasePool, run: DatasetRunRef, chunk: number, rejects: readonly RejectedRecord[]): Promise<void> {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`
      DELETE FROM platform.rejects
      WHERE run_id = ${run.runId} AND source = ${run.source} AND dataset = ${run.dataset} AND layer = 'extract' AND chunk = ${chunk}`);
    for (let start = 0; start < rejects.length; start += BATCH) {
      const rows = rejects.slice(start, start + BATCH).map((reject) => [
        reject.key === undefined ? null : JSON.stringify(reject.key),
        reject.keyHash === undefined ? null : hexToUuid(reject.keyHash),
        reject.text ?? null,
        reject.reason,
        reject.origin,
        reject.line ?? null,
      ]);
      await tx.query(sql.unsafe`
        INSERT INTO platform.rejects (run_id, source, dataset, layer, chunk, key, key_hash, value, reason, origin, line)
        SELECT ${run.runId}, ${run.source}, ${run.dataset}, 'extract', ${chunk}, r.key, r.key_hash, r.value, r.reason, r.origin, r.line
        FROM ${sql.unnest(rows, ['jsonb', 'uuid', 'text', 'text', 'text', 'int4'])} AS r(key, key_hash, value, reason, origin, line)`);
    }
  });
}
