import { NotFoundError } from '#platform/errors.ts';
import { selectInvocationLogs } from '#pipeline/logs/selectInvocationLogs.ts';
import type { OrchestratorReply, RunLogsQuery } from './orchestratorApi.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import { getRun } from '#pipeline/runStore/getRun.ts';

/** `GET /runs/<id>/logs`: the log lines every function kept for the run (of one step with `step`), oldest first; what `dp logs` prints. */
export async function readRunLogs(context: OrchestratorContext, runId: string, query: RunLogsQuery): Promise<OrchestratorReply> {
  const run = await getRun(context.pool, runId);
  if (run === null) {
    throw new NotFoundError('run.not_found', `Run ${runId} does not exist; list runs with GET /function/orchestrator/runs or \`dp runs\`.`, { context: { runId } });
  }
  const lines = await selectInvocationLogs(context.pool, runId, { ...(query.step === undefined ? {} : { step: query.step }), limit: query.limit });
  return { status: 200, body: { run_id: runId, status: run.status, lines } };
}
