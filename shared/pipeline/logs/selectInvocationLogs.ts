import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

const logRow = z.object({
  step: z.string().nullable(),
  chunk: z.number().nullable(),
  attempt: z.number().nullable(),
  function: z.string(),
  logged_at: z.date(),
  level: z.string(),
  event: z.string(),
  line: z.string(),
});
/** One stored log line as `dp logs` and the console show it. */
export type InvocationLogView = z.output<typeof logRow>;

export type InvocationLogFilter = {
  readonly step?: string;
  /** Most lines returned (the oldest first). Default 2000. */
  readonly limit?: number;
};

/** The stored log lines of a run (of one step, when given), in the order they were written. */
export async function selectInvocationLogs(db: CommonQueryMethods, runId: string, filter: InvocationLogFilter = {}): Promise<readonly InvocationLogView[]> {
  const step = filter.step === undefined ? sql.fragment`` : sql.fragment`AND step = ${filter.step}`;
  return db.any(sql.type(logRow)`
    SELECT step, chunk, attempt, function_name AS function, logged_at, level, event, line
    FROM platform.invocation_logs
    WHERE run_id = ${runId} ${step}
    ORDER BY logged_at, log_id
    LIMIT ${filter.limit ?? 2000}`);
}
