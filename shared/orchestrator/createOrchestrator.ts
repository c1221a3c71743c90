import type { DatabasePool } from '#platform/db/sql.ts';
import { createLogger, type Logger } from '#platform/log.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import type { OrchestratorApi } from './api/orchestratorApi.ts';
import type { SecretStore } from '#platform/secrets/secretStore.ts';
import { describeRun } from './api/describeRun.ts';
import { cancelRun } from './runs/cancelRun.ts';
import type { Dispatcher } from './dispatch/dispatcher.ts';
import { handleCallback } from './dispatch/handleCallback.ts';
import { handleWebhook } from './triggers/handleWebhook.ts';
import { openRuns } from './runs/openRuns.ts';
import { DEFAULT_ORCHESTRATOR_CONFIG, type OrchestratorConfig } from './orchestratorConfig.ts';
import type { OrchestratorContext } from './orchestratorContext.ts';
import { readStatus } from './api/readStatus.ts';
import { resolveRunTargets } from './runs/resolveRunTargets.ts';
import { runTick } from './schedule/runTick.ts';
import { listRunViews } from './api/listRunViews.ts';
import { readRunLogs } from './api/readRunLogs.ts';
import { withInvocationLogs } from '#pipeline/logs/withInvocationLogs.ts';

export type CreateOrchestratorOptions = {
  readonly pool: DatabasePool;
  readonly dispatcher: Dispatcher;
  /** Where webhook secrets are read (metadata `webhook_secret`). */
  readonly secrets: Pick<SecretStore, 'get'>;
  /** Clock in epoch milliseconds. Default Date.now. */
  readonly clock?: { readonly now: () => number };
  /** Limits and timings; what is left out takes DEFAULT_ORCHESTRATOR_CONFIG. */
  readonly config?: Partial<OrchestratorConfig>;
  readonly log?: Logger;
};

/**
 * The orchestrator over Postgres: runs, steps and events live in `platform.*`, so any instance (any
 * invocation of the function) can continue any run. Implements the OrchestratorApi the function's routes call.
 */
export function createOrchestrator(options: CreateOrchestratorOptions): OrchestratorApi {
  const clock = options.clock ?? { now: () => Date.now() };
  const context: OrchestratorContext = {
    pool: options.pool,
    dispatcher: options.dispatcher,
    secrets: options.secrets,
    now: () => clock.now(),
    config: { ...DEFAULT_ORCHESTRATOR_CONFIG, ...options.config },
    log: options.log ?? createLogger({ fields: { fn: 'orchestrator' } }),
  };
  // The lines the orchestrator writes about a run (step.sent, step.advanced, run.failed…) are kept with it, like a step's.
  const invocation = { functionName: 'orchestrator', linesPerInvocation: context.config.logLinesPerInvocation, pool: async () => context.pool, log: context.log };
  const keepingLogs = <A extends unknown[], R>(operation: (...args: A) => Promise<R>) => (...args: A): Promise<R> => withInvocationLogs(invocation, () => operation(...args));
  return {
    startRuns: keepingLogs(async (request) => {
      const catalog = await loadCatalog(context.pool);
      const targets = resolveRunTargets(catalog.metadata, request);
      const detail = {
        ...('connector' in request ? { connector: request.connector } : {}),
        ...(request.full ? { full: true } : {}),
        ...('accept_deletes' in request && request.accept_deletes === true ? { accept_deletes: true } : {}),
      };
      const opened = await openRuns(context, catalog, targets, request.trigger, detail);
      return { status: targets.length === 0 ? 200 : 202, body: opened };
    }),
    listRuns: async (query) => ({ status: 200, body: { runs: await listRunViews(context.pool, query) } }),
    getRun: (runId) => describeRun(context, runId),
    cancelRun: (runId) => cancelRun(context, runId),
    getRunLogs: (runId, query) => readRunLogs(context, runId, query),
    handleCallback: keepingLogs((callback) => handleCallback(context, callback)),
    handleWebhook: keepingLogs((delivery) => handleWebhook(context, delivery)),
    tick: keepingLogs((request) => runTick(context, request)),
    status: () => readStatus(context),
  };
}
