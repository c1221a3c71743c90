/**
 * orchestrator — starts runs, takes step callbacks and webhooks, answers status, and reconciles
 * on its cron schedule. Routes: see createOrchestratorHandler and docs/functions.md; the logic:
 * shared/orchestrator and docs/orchestration.md.
 */
import { createOrchestratorFromEnv } from '#orchestrator/createOrchestratorFromEnv.ts';
import { createOrchestratorHandler } from '#orchestrator/api/createOrchestratorHandler.ts';

export default createOrchestratorHandler(createOrchestratorFromEnv());

/** Webhook bodies are only signed, never read: the template passes their bytes as they are, JSON or not. */
export const rawBodyPaths = ['/webhooks/'];
