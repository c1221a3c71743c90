import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const summarySchema = z.object({ keys: z.bigint(), dropped: z.bigint() });

/**
 * Finds keys that occur more than once in the staged batch and keeps, in the temp table
 * `silver_duplicates`, the position of the last record of each (the one that wins). Only rows that
 * staging flagged as possible repeats are looked at, so this is cheap; with `maybeDuplicates` = 0 no
 * key repeats and nothing runs; with `'all'` every row is looked at.
 */
export async function findDuplicateKeys(tx: CommonQueryMethods, stage: ReturnType<typeof sql.fragment>, maybeDuplicates: number | 'all'): Promise<{ keys: number; dropped: number }> {
  if (maybeDuplicates === 0) return { keys: 0, dropped: 0 };
  // 'all': the stage was written by several invocations, whose flags do not see each other's keys.
  const candidates = maybeDuplicates === 'all' ? sql.fragment`` : sql.fragment`WHERE _key_hash IN (SELECT _key_hash FROM ${stage} WHERE _maybe_duplicate)`;
  await tx.query(sql.unsafe`
    CREATE TEMP TABLE silver_duplicates ON COMMIT DROP AS
    SELECT _key_hash, max(_seq) AS keep_seq, count(*) AS copies
    FROM ${stage}
    ${candidates}
    GROUP BY _key_hash
    HAVING count(*) > 1`);
  const summary = await tx.one(sql.type(summarySchema)`SELECT count(*) AS keys, coalesce(sum(copies - 1), 0)::bigint AS dropped FROM silver_duplicates`);
  return { keys: Number(summary.keys), dropped: Number(summary.dropped) };
}
