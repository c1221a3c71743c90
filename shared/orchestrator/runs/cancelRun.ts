import { ConflictError, NotFoundError } from '#platform/errors.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { lockRun } from '#pipeline/runStore/lockRun.ts';
import type { OrchestratorReply } from '../api/orchestratorApi.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';

/**
 * `POST /runs/<id>/cancel` (`dp cancel <run>`): ends an active run as `failed` with `run.cancelled`, under the
 * run's lock, so no callback or tick decides for it meanwhile. Nothing is sent after: chunks of it still in
 * the queue refuse to work (runStepOnce), a chunk at work finishes its invocation but its callback is
 * ignored and a silver merge in flight does not commit (runSilverStep). The dataset is free for a new run
 * at once; its cursor stays where the last successful run left it.
 */
export async function cancelRun(context: OrchestratorContext, runId: string): Promise<OrchestratorReply> {
  const now = new Date(context.now());
  const cancelled = await context.pool.transaction(async (tx) => {
    const run = await lockRun(tx, runId);
    if (run === null) {
      throw new NotFoundError('run.not_found', `Run ${runId} does not exist; \`dp runs\` lists the runs.`, { context: { runId } });
    }
    if (run.status !== 'running' && run.status !== 'pending') {
      throw new ConflictError('run.not_active', `Run ${runId} is already ${run.status}; only an active run can be cancelled.`, { context: { runId, status: run.status } });
    }
    await finishRun(tx, runId, { status: 'failed', error: { code: 'run.cancelled', message: `Run ${runId} of ${run.source}.${run.dataset} was cancelled by hand (dp cancel); nothing after its last finished step was committed. Start a new run when ready.`, retryable: false } }, now);
    return run;
  });
  context.log.warn('run.cancelled', { run_id: runId, source: cancelled.source, dataset: cancelled.dataset });
  return { status: 200, body: { outcome: 'cancelled', run_id: runId, source: cancelled.source, dataset: cancelled.dataset } };
}
