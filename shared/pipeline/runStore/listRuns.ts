import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { runRowSchema, type RunRow, type RunStatus, type TriggerKind } from './runRow.ts';

export type RunFilter = {
  readonly runId?: string;
  readonly source?: string;
  readonly dataset?: string;
  readonly status?: RunStatus;
  /** Only runs started this way (the console's recent webhooks). */
  readonly triggerKind?: TriggerKind;
  readonly limit: number;
};

/** Runs matching the filter, newest first. */
export async function listRuns(db: CommonQueryMethods, filter: RunFilter): Promise<readonly RunRow[]> {
  const conditions = [
    ...(filter.runId === undefined ? [] : [sql.fragment`run_id = ${filter.runId}`]),
    ...(filter.source === undefined ? [] : [sql.fragment`source = ${filter.source}`]),
    ...(filter.dataset === undefined ? [] : [sql.fragment`dataset = ${filter.dataset}`]),
    ...(filter.status === undefined ? [] : [sql.fragment`status = ${filter.status}`]),
    ...(filter.triggerKind === undefined ? [] : [sql.fragment`trigger_kind = ${filter.triggerKind}`]),
  ];
  const where = conditions.length === 0 ? sql.fragment`` : sql.fragment`WHERE ${sql.join(conditions, sql.fragment` AND `)}`;
  return db.any(sql.type(runRowSchema)`
    SELECT * FROM platform.runs ${where}
    ORDER BY created_at DESC, run_id DESC
    LIMIT ${filter.limit}`);
}
