import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { runRowSchema, type RunRow } from './runRow.ts';

const statusRow = runRowSchema.extend({ last_success_at: z.date().nullable(), active_run_id: z.string().nullable() });

/** Where one dataset (or model) stands: its newest run that is not a skip, its last success, its active run. */
export type RunStatusOfTarget = { readonly lastRun: RunRow; readonly lastSuccessAt: Date | null; readonly activeRunId: string | null };

/** Per (kind, source, dataset) that ever ran: its newest run that is not a skip, when a run last succeeded, and its active run. */
export async function listRunStatus(db: CommonQueryMethods): Promise<readonly RunStatusOfTarget[]> {
  const rows = await db.any(sql.type(statusRow)`
    SELECT latest.*,
      (SELECT max(r.finished_at) FROM platform.runs AS r
       WHERE r.kind = latest.kind AND r.source = latest.source AND r.dataset = latest.dataset AND r.status = 'succeeded') AS last_success_at,
      (SELECT r.run_id FROM platform.runs AS r
       WHERE r.kind = latest.kind AND r.source = latest.source AND r.dataset = latest.dataset AND r.status IN ('pending', 'running')) AS active_run_id
    FROM (
      SELECT DISTINCT ON (kind, source, dataset) * FROM platform.runs
      WHERE status <> 'skipped'
      ORDER BY kind, source, dataset, created_at DESC, run_id DESC
    ) AS latest`);
  return rows.map(({ last_success_at, active_run_id, ...lastRun }) => ({ lastRun, lastSuccessAt: last_success_at, activeRunId: active_run_id }));
}
