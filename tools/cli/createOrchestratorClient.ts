import type { z } from 'zod';

import { PlatformError, TransientError, ValidationError } from '#platform/errors.ts';
import { redactAndCut } from '#platform/redact.ts';
import { cancelReplySchema, type CancelReply, listRunsReplySchema, runDetailReplySchema, runLogsReplySchema, startRunsReplySchema, statusReplySchema, type RunDetail, type RunLogsReply, type RunSummary, type StartRunsReply, type StatusReply } from './orchestratorReplies.ts';

export type OrchestratorClientOptions = {
  /** Gateway base URL (`http://127.0.0.1:8080`). */
  readonly gatewayUrl: string;
  /** Milliseconds to wait for one answer. Default 30000. */
  readonly timeoutMs?: number;
};

export type StartRunsInput = { readonly source: string; readonly dataset?: string; readonly full?: boolean; readonly acceptDeletes?: boolean };
export type ListRunsInput = { readonly source?: string; readonly dataset?: string; readonly status?: string; readonly limit?: number };

export type OrchestratorClient = {
  readonly url: string;
  readonly startRuns: (input: StartRunsInput) => Promise<StartRunsReply>;
  readonly getRun: (runId: string) => Promise<RunDetail>;
  readonly cancelRun: (runId: string) => Promise<CancelReply>;
  /** The log lines a run's invocations kept (of one step with `step`). */
  readonly getRunLogs: (runId: string, step?: string) => Promise<RunLogsReply>;
  readonly listRuns: (input?: ListRunsInput) => Promise<readonly RunSummary[]>;
  readonly status: () => Promise<StatusReply>;
};

type ErrorBody = { error?: { code?: unknown; message?: unknown; retryable?: unknown } };

/**
 * A client of the orchestrator's HTTP routes through the gateway (`/function/orchestrator/...`),
 * what `dp run`, `dp runs` and `dp status` use. An error answer becomes a PlatformError with the
 * orchestrator's code and message; a gateway that does not answer says how to start one.
 */
export function createOrchestratorClient(options: OrchestratorClientOptions): OrchestratorClient {
  const base = `${options.gatewayUrl.replace(/\/+$/, '')}/function/orchestrator`;

  async function call<T extends z.ZodType>(method: 'GET' | 'POST', path: string, schema: T, body?: unknown): Promise<z.output<T>> {
    const url = `${base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new TransientError('cli.gateway_unreachable', `Nothing answers at ${options.gatewayUrl}: start the platform with \`dp up\` (or point DP_GATEWAY_URL / --gateway at a running gateway).`, { cause: error, context: { url } });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const error = (parsed as ErrorBody | undefined)?.error;
      if (typeof error?.code === 'string' && typeof error.message === 'string') {
        throw new PlatformError(error.code, error.message, { status: response.status, retryable: error.retryable === true });
      }
      throw new PlatformError('cli.orchestrator_failed', `${method} ${url} answered ${response.status}: ${redactAndCut(text, 300) || '(empty body)'}`, { status: response.status });
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new ValidationError('cli.unexpected_reply', `${method} ${url} answered something this dp does not understand (${issue?.path.join('.') || 'body'}: ${issue?.message}); is the orchestrator the same version as this CLI?`, { context: { url } });
    }
    return checked.data;
  }

  return {
    url: base,
    startRuns: (input) => call('POST', '/runs', startRunsReplySchema, { source: input.source, ...(input.dataset === undefined ? {} : { dataset: input.dataset }), full: input.full === true, ...(input.acceptDeletes === true ? { accept_deletes: true } : {}) }),
    getRun: (runId) => call('GET', `/runs/${encodeURIComponent(runId)}`, runDetailReplySchema),
    cancelRun: (runId) => call('POST', `/runs/${encodeURIComponent(runId)}/cancel`, cancelReplySchema, {}),
    getRunLogs: (runId, step) => call('GET', `/runs/${encodeURIComponent(runId)}/logs${step === undefined ? '' : `?step=${encodeURIComponent(step)}`}`, runLogsReplySchema),
    listRuns: async (input = {}) => {
      const query = new URLSearchParams(Object.entries(input).filter(([, value]) => value !== undefined).map(([key, value]): [string, string] => [key, String(value)]));
      const suffix = query.size === 0 ? '' : `?${query.toString()}`;
      return (await call('GET', `/runs${suffix}`, listRunsReplySchema)).runs;
    },
    status: () => call('GET', '/status', statusReplySchema),
  };
}
