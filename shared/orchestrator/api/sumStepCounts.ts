import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { StepName } from '#pipeline/steps.ts';
import type { StepCounts } from '#pipeline/steps.ts';

const countsRow = z.object({
  read: z.bigint(),
  inserted: z.bigint(),
  updated: z.bigint(),
  closed: z.bigint(),
  deleted: z.bigint(),
  rejected: z.bigint(),
  unchanged: z.bigint(),
});

/** The row counts of every chunk of one step of a run, added up. */
export async function sumStepCounts(db: CommonQueryMethods, runId: string, step: StepName): Promise<StepCounts> {
  const row = await db.one(sql.type(countsRow)`
    SELECT coalesce(sum(rows_read), 0)::bigint AS read, coalesce(sum(rows_inserted), 0)::bigint AS inserted,
           coalesce(sum(rows_updated), 0)::bigint AS updated, coalesce(sum(rows_closed), 0)::bigint AS closed,
           coalesce(sum(rows_deleted), 0)::bigint AS deleted, coalesce(sum(rows_rejected), 0)::bigint AS rejected,
           coalesce(sum(rows_unchanged), 0)::bigint AS unchanged
    FROM platform.run_steps
    WHERE run_id = ${runId} AND step = ${step} AND status = 'succeeded'`);
  return {
    read: Number(row.read),
    inserted: Number(row.inserted),
    updated: Number(row.updated),
    closed: Number(row.closed),
    deleted: Number(row.deleted),
    rejected: Number(row.rejected),
    unchanged: Number(row.unchanged),
  };
}
