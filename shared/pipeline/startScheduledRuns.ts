import { getEnv } from '#platform/env.ts';
import { TransientError } from '#platform/errors.ts';

export type StartScheduledRunsOptions = {
  /** Connector kind whose sources start (`files`, `rest`, `ynab`). */
  readonly connector: string;
  /** Gateway base URL. Default DP_GATEWAY_URL. */
  readonly gatewayUrl?: string;
  /** Milliseconds to wait for the orchestrator. Default 30000. */
  readonly timeoutMs?: number;
};

/** The orchestrator's answer, passed back to the cron-connector unchanged. */
export type ForwardedReply = { readonly status: number; readonly body: unknown };

/**
 * What a connector function does when the cron-connector calls it: it asks the orchestrator to
 * start runs for every source of its connector kind (`POST /function/orchestrator/runs` with
 * `{"connector": …, "trigger": "schedule"}`). The pipeline logic stays in the orchestrator; the
 * schedule lives in stack.yml next to the function it belongs to.
 */
export async function startScheduledRuns(options: StartScheduledRunsOptions): Promise<ForwardedReply> {
  const gatewayUrl = options.gatewayUrl ?? getEnv().gatewayUrl;
  const url = `${gatewayUrl}/function/orchestrator/runs`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ connector: options.connector, trigger: 'schedule' }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (error) {
    throw new TransientError('gateway.unreachable', `The orchestrator could not be reached at ${url} to start the scheduled ${options.connector} runs; check DP_GATEWAY_URL and that the orchestrator is deployed.`, { cause: error });
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Not JSON: passed on as text.
  }
  return { status: response.status, body };
}
