import { sql } from '#platform/db/sql.ts';

type Fragment = ReturnType<typeof sql.fragment>;

/** Columns `last_run` (the newest run that is not a skip), `last_success_at` and `active_run_id` of one (kind, source, dataset). */
export function runStatusColumns(kind: 'dataset' | 'gold', source: Fragment, dataset: Fragment): Fragment {
  return sql.fragment`
    (SELECT jsonb_build_object('run_id', r.run_id, 'status', r.status, 'trigger', r.trigger_kind, 'created_at', r.created_at,
                               'finished_at', r.finished_at, 'error', r.error)
     FROM platform.runs AS r
     WHERE r.kind = ${kind} AND r.source = ${source} AND r.dataset = ${dataset} AND r.status <> 'skipped'
     ORDER BY r.created_at DESC LIMIT 1) AS last_run,
    (SELECT max(r.finished_at) FROM platform.runs AS r
     WHERE r.kind = ${kind} AND r.source = ${source} AND r.dataset = ${dataset} AND r.status = 'succeeded') AS last_success_at,
    (SELECT r.run_id FROM platform.runs AS r
     WHERE r.kind = ${kind} AND r.source = ${source} AND r.dataset = ${dataset} AND r.status IN ('pending', 'running')) AS active_run_id`;
}
