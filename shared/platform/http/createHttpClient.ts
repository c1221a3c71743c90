import got, { type Got } from 'got';

export type HttpClient = Got;

export type CreateHttpClientOptions = {
  /** User-Agent header sent with every request. Default: `dataplatform`. */
  readonly userAgent?: string;
};

/**
 * The platform's got instance. Retries, timeouts and status handling are done by `sendRequest`
 * (so waits go through an injectable clock and honour the step's deadline), hence got itself
 * never retries, never throws on a status and returns bodies as text to be parsed and validated.
 */
export function createHttpClient(options: CreateHttpClientOptions = {}): HttpClient {
  return got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    responseType: 'text',
    followRedirect: true,
    headers: { 'user-agent': options.userAgent ?? 'dataplatform' },
  });
}
