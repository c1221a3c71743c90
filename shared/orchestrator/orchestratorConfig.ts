import type { Env } from '#platform/env.ts';

/** The orchestrator's limits and timings. */
export type OrchestratorConfig = {
  /** Attempts per step chunk, the first one included, before the run fails. Default 4 (DP_MAX_ATTEMPTS). */
  readonly maxAttempts: number;
  /** Milliseconds after which a sent chunk without a callback is dispatched again. Default 180000 (DP_CALLBACK_TIMEOUT_SECONDS). */
  readonly callbackTimeoutMs: number;
  /** Backoff before the second attempt, in milliseconds, doubling per attempt. Default 30000 (DP_RETRY_BASE_MS). */
  readonly retryBaseMs: number;
  /** Longest backoff, in milliseconds. Default 900000 (DP_RETRY_MAX_MS). */
  readonly retryMaxMs: number;
  /** Budget sent with each step request (`deadlineMs`), in milliseconds. Default 40000 (DP_STEP_BUDGET_MS). */
  readonly stepBudgetMs: number;
  /**
   * Milliseconds a step's claim (`running`) is honoured before the tick treats its process as dead. Default 70000:
   * runStepOnce's lease (the 60 s function timeout plus a margin).
   */
  readonly stepLeaseMs: number;
  /** Rows the tick handles per kind of work in one call. Default 100. */
  readonly tickBatch: number;
  /** Milliseconds a webhook delivery is remembered, so a replay starts nothing. Default 86400000 (DP_WEBHOOK_REPLAY_WINDOW_SECONDS). */
  readonly webhookReplayWindowMs: number;
  /** Log lines kept per (run, step, chunk, attempt) of the orchestrator's own lines. Default 200 (DP_LOG_LINES_PER_INVOCATION). */
  readonly logLinesPerInvocation: number;
  /** Days invocation log lines are kept; the tick deletes older ones. Default 30 (DP_LOG_RETENTION_DAYS). */
  readonly logRetentionDays: number;
};

export const DEFAULT_ORCHESTRATOR_CONFIG: OrchestratorConfig = Object.freeze({
  maxAttempts: 4,
  callbackTimeoutMs: 180_000,
  retryBaseMs: 30_000,
  retryMaxMs: 900_000,
  stepBudgetMs: 40_000,
  stepLeaseMs: 70_000,
  tickBatch: 100,
  webhookReplayWindowMs: 86_400_000,
  logLinesPerInvocation: 200,
  logRetentionDays: 30,
});

/** The orchestrator configuration from the environment (DP_MAX_ATTEMPTS, DP_CALLBACK_TIMEOUT_SECONDS, DP_RETRY_*, DP_STEP_BUDGET_MS, DP_WEBHOOK_REPLAY_WINDOW_SECONDS, DP_LOG_*). */
export function orchestratorConfigFromEnv(env: Env): OrchestratorConfig {
  return {
    ...DEFAULT_ORCHESTRATOR_CONFIG,
    maxAttempts: env.maxAttempts,
    callbackTimeoutMs: env.callbackTimeoutMs,
    retryBaseMs: env.retryBaseMs,
    retryMaxMs: env.retryMaxMs,
    stepBudgetMs: env.stepBudgetMs,
    webhookReplayWindowMs: env.webhookReplayWindowMs,
    logLinesPerInvocation: env.logLinesPerInvocation,
    logRetentionDays: env.logRetentionDays,
  };
}
