/**
 * orchestrator — starts runs, takes step callbacks and webhooks, answers status, and reconciles
 * on its cron schedule. Routes: see createOrchestratorHandler and docs/functions.md.
 */
import { createOrchestratorHandler } from '../../shared/runtime/createOrchestratorHandler.ts';
import { createUnavailableOrchestrator } from '../../shared/runtime/orchestratorApi.ts';

export default createOrchestratorHandler(createUnavailableOrchestrator());
