import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const versionRow = z.object({
  values: z.record(z.string(), z.unknown()),
  valid_from: z.date(),
  valid_to: z.date().nullable(),
  is_current: z.boolean(),
  is_deleted: z.boolean(),
  run_id: z.string(),
  updated_run_id: z.string().nullable(),
});
/** One version of a key in a silver table. */
export type KeyVersion = z.output<typeof versionRow>;

/**
 * Every version of one key of a silver table (by its key hash, as the layers compute it), oldest first:
 * the business columns as JSON, the validity interval, and the runs that wrote and last updated it.
 */
export async function selectKeyHistory(db: CommonQueryMethods, table: string, columns: readonly string[], keyHash: string, limit = 200): Promise<readonly KeyVersion[]> {
  const pairs = columns.flatMap((column) => [sql.fragment`${column}::text`, sql.identifier([column])]);
  const values = pairs.length === 0 ? sql.fragment`'{}'::jsonb` : sql.fragment`jsonb_build_object(${sql.join(pairs, sql.fragment`, `)})`;
  return db.any(sql.type(versionRow)`
    SELECT ${values} AS values, _valid_from AS valid_from, _valid_to AS valid_to, _is_current AS is_current,
           _is_deleted AS is_deleted, _run_id AS run_id, _updated_run_id AS updated_run_id
    FROM ${sql.identifier(['silver', table])}
    WHERE _key_hash = ${keyHash}::uuid
    ORDER BY _valid_from, _valid_to NULLS LAST
    LIMIT ${limit}`);
}
