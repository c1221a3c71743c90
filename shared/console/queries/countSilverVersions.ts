import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

/** A silver table's rows: live keys, current tombstones, every version, and the keys that ever existed. */
export type SilverVersionCounts = { readonly current: number; readonly deleted: number; readonly versions: number; readonly keys: number };

/** Counts one silver table in one scan, or null when it does not exist yet (no run reached silver). */
export async function countSilverVersions(db: CommonQueryMethods, table: string): Promise<SilverVersionCounts | null> {
  const present = await db.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass(${`silver.${JSON.stringify(table)}`}) IS NOT NULL AS present`);
  if (!present) return null;
  return db.one(sql.type(z.object({ current: z.number(), deleted: z.number(), versions: z.number(), keys: z.number() }))`
    SELECT count(*) FILTER (WHERE _is_current AND NOT _is_deleted)::int AS current,
           count(*) FILTER (WHERE _is_current AND _is_deleted)::int AS deleted,
           count(*)::int AS versions,
           count(*) FILTER (WHERE _is_current)::int AS keys
    FROM ${sql.identifier(['silver', table])}`);
}
