import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { runRowSchema, type RunRow } from './runRow.ts';

const statusRow = runRowSchema.extend({ last_success_at: z.date().nullable(), active_run_id: z.string().nullable() });

/** Where one dataset (or model) stands: its newest run that is not a skip, its last success, its active run. */
export type RunStatusOfTarget = { readonly lastRun: RunRow; readonly lastSuccessAt: Date | null; readonly activeRunId: string | null };

/**
 * Per (kind, source, dataset) that ever ran: its newest run that is not a skip, when a run last succeeded, and its
 * active run. The targets are found by skipping through the index from one to the next (migration 0012), so the
 * cost grows with the number of datasets, not with the runs kept. A target's runs never overlap (one active run
 * at a time), so its newest succeeded run is also the one that finished last.
 */
export async function listRunStatus(db: CommonQueryMethods): Promise<readonly RunStatusOfTarget[]> {
  const rows = await db.any(sql.type(statusRow)`
    WITH RECURSIVE targets AS (
      (SELECT kind, source, dataset FROM platform.runs ORDER BY kind, source, dataset LIMIT 1)
      UNION ALL
      SELECT next.kind, next.source, next.dataset
      FROM targets AS t
      CROSS JOIN LATERAL (
        SELECT r.kind, r.source, r.dataset FROM platform.runs AS r
        WHERE (r.kind, r.source, r.dataset) > (t.kind, t.source, t.dataset)
        ORDER BY r.kind, r.source, r.dataset
        LIMIT 1
      ) AS next
    )
    SELECT latest.*,
      (SELECT r.finished_at FROM platform.runs AS r
       WHERE r.kind = t.kind AND r.source = t.source AND r.dataset = t.dataset AND r.status = 'succeeded'
       ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1) AS last_success_at,
      (SELECT r.run_id FROM platform.runs AS r
       WHERE r.kind = t.kind AND r.source = t.source AND r.dataset = t.dataset AND r.status IN ('pending', 'running')) AS active_run_id
    FROM targets AS t
    JOIN LATERAL (
      SELECT * FROM platform.runs AS r
      WHERE r.kind = t.kind AND r.source = t.source AND r.dataset = t.dataset AND r.status <> 'skipped'
      ORDER BY r.created_at DESC, r.run_id DESC
      LIMIT 1
    ) AS latest ON true
    ORDER BY t.kind, t.source, t.dataset`);
  return rows.map(({ last_success_at, active_run_id, ...lastRun }) => ({ lastRun, lastSuccessAt: last_success_at, activeRunId: active_run_id }));
}
