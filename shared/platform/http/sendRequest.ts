import type { IncomingHttpHeaders } from 'node:http';

import { RequestError, TimeoutError } from 'got';

import { TransientError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Clock } from './clock.ts';
import type { HttpClient } from './createHttpClient.ts';
import type { RequestBudget } from './createRequestBudget.ts';
import { parseRetryAfter } from './parseRetryAfter.ts';

/** Code of the TransientError raised when the next request (or wait) would not finish before the deadline: the connector stops with a checkpoint instead of failing. */
export const WAIT_PAST_DEADLINE = 'http.wait_past_deadline';

export type HttpRequest = {
  readonly method?: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Readonly<Record<string, string>>;
};

export type HttpResponse = {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** Final URL (after redirects). */
  readonly url: string;
};

export type RetryPolicy = {
  /** Tries in total, the first included. Default: 5. */
  readonly attempts?: number;
  /** First backoff in ms, doubled on each retry. Default: 1000. */
  readonly baseDelayMs?: number;
  /** Longest single backoff in ms. Default: 60000. */
  readonly maxDelayMs?: number;
};

export type SendRequestOptions = {
  readonly client: HttpClient;
  readonly clock: Clock;
  /** Time (ms epoch) by which the step must have returned. */
  readonly deadline: number;
  /** Request budget of the token, when the API has one. */
  readonly budget?: RequestBudget;
  readonly retry?: RetryPolicy;
  /** Timeout of one request in ms (capped by the deadline). Default: 30000. */
  readonly timeoutMs?: number;
  /** What is being fetched, for messages: `dataset ynab.transactions`. */
  readonly label: string;
  /** The URL as it may appear in logs and errors (secrets removed). */
  readonly describe: (url: string) => string;
  readonly logger?: Logger;
};

const RETRYABLE_STATUS = (status: number): boolean => status === 429 || status >= 500;
/** A request is not started with less time than this left before the deadline, in ms. */
const MIN_REQUEST_MS = 1000;

/**
 * Sends one request with retries: 5xx, 429 and network errors are retried with exponential
 * backoff, honouring `Retry-After`; the token's request budget is respected. Every wait goes
 * through the clock and must end before the deadline, otherwise a TransientError with code
 * `http.wait_past_deadline` (and `retryAfterMs`) tells the connector to stop with a checkpoint.
 * Other statuses (2xx, 3xx, 4xx) are returned for the caller to judge.
 */
export async function sendRequest(request: HttpRequest, options: SendRequestOptions): Promise<HttpResponse> {
  const { clock, deadline } = options;
  const attempts = options.retry?.attempts ?? 5;
  const baseDelayMs = options.retry?.baseDelayMs ?? 1000;
  const maxDelayMs = options.retry?.maxDelayMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const where = `${request.method ?? 'GET'} ${options.describe(request.url)}`;

  const waitOrPause = async (ms: number, reason: string): Promise<void> => {
    if (clock.now() + ms + MIN_REQUEST_MS > deadline) {
      throw new TransientError(WAIT_PAST_DEADLINE, `${options.label}: ${reason} asks to wait ${Math.ceil(ms / 1000)} s before ${where}, past this step's deadline; continue from the checkpoint later.`, { retryAfterMs: ms, context: { url: options.describe(request.url) } });
    }
    options.logger?.info('http.wait', { url: options.describe(request.url), reason, wait_ms: ms });
    await clock.sleep(ms);
  };

  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (options.budget !== undefined) {
      for (let wait = options.budget.take(clock.now()); wait > 0; wait = options.budget.take(clock.now())) {
        await waitOrPause(wait, `the request budget (${options.budget.limit} per ${Math.round(options.budget.windowMs / 1000)} s)`);
      }
    }
    const remaining = deadline - clock.now();
    if (remaining < MIN_REQUEST_MS) {
      throw new TransientError(WAIT_PAST_DEADLINE, `${options.label}: no time left before this step's deadline for ${where}; continue from the checkpoint.`, { retryAfterMs: 0 });
    }
    let retryAfterMs: number | undefined;
    try {
      const response = await options.client(request.url, {
        method: request.method ?? 'GET',
        headers: request.headers,
        ...(request.form === undefined ? {} : { form: request.form }),
        timeout: { request: Math.min(timeoutMs, remaining) },
      });
      if (!RETRYABLE_STATUS(response.statusCode)) {
        return { status: response.statusCode, headers: response.headers, body: response.body, url: response.url };
      }
      lastProblem = `HTTP ${response.statusCode}`;
      retryAfterMs = parseRetryAfter(response.headers['retry-after'], clock.now());
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      if (error instanceof TimeoutError && remaining < timeoutMs) {
        throw new TransientError(WAIT_PAST_DEADLINE, `${options.label}: ${where} did not answer before this step's deadline; continue from the checkpoint.`, { retryAfterMs: 0, cause: error });
      }
      lastProblem = `${error.code}: ${error.message}`;
    }
    if (attempt === attempts) break;
    const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
    const wait = retryAfterMs ?? backoff;
    options.logger?.warn('http.retry', { url: options.describe(request.url), problem: lastProblem, attempt, wait_ms: wait });
    await waitOrPause(wait, retryAfterMs === undefined ? `retrying after ${lastProblem}` : `the server (${lastProblem}, Retry-After)`);
  }
  throw new TransientError('http.retries_exhausted', `${options.label}: ${where} failed ${attempts} times (last: ${lastProblem}); the service may be down, try the run again later.`, {
    context: { url: options.describe(request.url), attempts },
  });
}
