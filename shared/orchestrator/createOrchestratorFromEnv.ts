import { getEnv, type Env } from '#platform/env.ts';
import type { OrchestratorApi } from './api/orchestratorApi.ts';
import { createFunctionResources, type FunctionResources } from '#platform/function/createFunctionResources.ts';
import { createSecretStore } from '#platform/secrets/createSecretStore.ts';
import { createHttpDispatcher } from './dispatch/createHttpDispatcher.ts';
import { createOrchestrator } from './createOrchestrator.ts';
import { orchestratorConfigFromEnv } from './orchestratorConfig.ts';

/**
 * The orchestrator as the function runs it: the pool of DATABASE_URL, the configured secret store, and the
 * HTTP dispatcher to DP_GATEWAY_URL with callbacks to DP_CALLBACK_BASE_URL. Connections open on first use
 * (a failed open is tried again on the next request), so importing the handler never fails.
 */
export function createOrchestratorFromEnv(options: { readonly env?: Env; readonly resources?: FunctionResources } = {}): OrchestratorApi {
  let ready: Promise<OrchestratorApi> | undefined;
  const orchestrator = (): Promise<OrchestratorApi> => {
    ready ??= (async () => {
      const env = options.env ?? getEnv();
      const resources = options.resources ?? createFunctionResources();
      return createOrchestrator({
        pool: await resources.pool(),
        dispatcher: createHttpDispatcher({ gatewayUrl: env.gatewayUrl, callbackBaseUrl: env.callbackBaseUrl }),
        secrets: createSecretStore(env),
        config: orchestratorConfigFromEnv(env),
      });
    })();
    ready.catch(() => {
      ready = undefined;
    });
    return ready;
  };
  return {
    startRuns: async (request) => (await orchestrator()).startRuns(request),
    listRuns: async (query) => (await orchestrator()).listRuns(query),
    getRun: async (runId) => (await orchestrator()).getRun(runId),
    cancelRun: async (runId) => (await orchestrator()).cancelRun(runId),
    getRunLogs: async (runId, query) => (await orchestrator()).getRunLogs(runId, query),
    handleCallback: async (callback) => (await orchestrator()).handleCallback(callback),
    handleWebhook: async (delivery) => (await orchestrator()).handleWebhook(delivery),
    tick: async (request) => (await orchestrator()).tick(request),
    status: async () => (await orchestrator()).status(),
  };
}
