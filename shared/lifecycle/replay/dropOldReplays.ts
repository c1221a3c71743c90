import type { Db } from 'mongodb';

import { sql, type DatabasePool } from '#platform/db/sql.ts';
import { listKeptReplays, markReplayDropped } from './replayRecords.ts';

/** Drops what earlier replays of a dataset set aside (`silver_old` tables, old bronze collections); returns their names. */
export async function dropOldReplays(pool: DatabasePool, bronze: Db, source: string, dataset: string): Promise<readonly string[]> {
  const dropped: string[] = [];
  for (const kept of await listKeptReplays(pool, source, dataset)) {
    if (kept.old_table !== null) {
      await pool.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier(['silver_old', kept.old_table])}`);
      dropped.push(`silver_old.${kept.old_table}`);
    }
    if (kept.old_collection !== null) {
      await bronze
        .collection(kept.old_collection)
        .drop()
        .catch(() => undefined);
      dropped.push(`bronze ${kept.old_collection}`);
    }
    await markReplayDropped(pool, kept.replay_id);
  }
  return dropped;
}
