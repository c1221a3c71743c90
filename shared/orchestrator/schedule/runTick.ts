import { dropEndedRunStaging } from '#silver/dropRunStaging.ts';
import { isPlatformError } from '#platform/errors.ts';
import { loadCatalog, type Catalog } from '#metadata/catalog/loadCatalog.ts';
import type { OrchestratorReply, TickRequest } from '../api/orchestratorApi.ts';
import { listStepsToReconcile } from '#pipeline/runStore/listStepsToReconcile.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import { reconcileStep, type ReconcileAction } from '../dispatch/reconcileStep.ts';
import { sendUnsentSteps } from '../dispatch/sendUnsentSteps.ts';
import { startDueSchedules } from './startDueSchedules.ts';
import { pruneInvocationLogs } from '#pipeline/logs/pruneInvocationLogs.ts';

async function catalogOrNull(context: OrchestratorContext): Promise<Catalog | null> {
  try {
    return await loadCatalog(context.pool);
  } catch (error) {
    if (isPlatformError(error) && error.code === 'metadata.not_synced') return null;
    throw error;
  }
}

/**
 * The reconcile tick (the orchestrator's cron, every minute): starts the datasets whose schedule is due,
 * acts on outcomes whose callback never came, dispatches again what is overdue or whose backoff passed,
 * fails runs out of attempts, sends every due step still unsent, and deletes invocation log lines past their retention. Safe to run at any time and in parallel.
 */
export async function runTick(context: OrchestratorContext, request: TickRequest): Promise<OrchestratorReply> {
  const catalog = await catalogOrNull(context);
  const scheduled = catalog === null ? [] : await startDueSchedules(context, catalog);

  const actions: Record<Exclude<ReconcileAction, 'none'>, number> = { recovered: 0, redispatched: 0, retried: 0, failed: 0 };
  const now = context.now();
  const keys = await listStepsToReconcile(context.pool, { now: new Date(now), overdueBefore: new Date(now - context.config.callbackTimeoutMs), limit: context.config.tickBatch });
  for (const key of keys) {
    const result = await reconcileStep(context, key);
    if (result.action !== 'none') actions[result.action] += 1;
  }
  const sends = await sendUnsentSteps(context);
  // The silver staging of runs that ended without merging (failed, or finished some other way) goes here.
  const stagingDropped = await dropEndedRunStaging(context.pool);
  if (stagingDropped.length > 0) context.log.info('tick.staging_dropped', { runs: stagingDropped });
  const logsPruned = await pruneInvocationLogs(context.pool, context.config.logRetentionDays);

  const body = {
    trigger: request.trigger,
    metadata_synced: catalog !== null,
    started: scheduled.filter((entry) => entry.outcome === 'started').map((entry) => entry.run_id),
    skipped: scheduled.filter((entry) => entry.outcome === 'skipped').map((entry) => entry.run_id),
    ...actions,
    sent: sends.sent,
    send_failed: sends.failed,
    logs_pruned: logsPruned,
  };
  if (body.started.length + body.skipped.length + actions.recovered + actions.redispatched + actions.retried + actions.failed + sends.sent + sends.failed + logsPruned > 0) {
    context.log.info('tick.done', body);
  }
  return { status: 200, body };
}
