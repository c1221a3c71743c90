import type { IncomingHttpHeaders } from 'node:http';

import { NotFoundError, PlatformError, UnauthorizedError, ValidationError } from '#platform/errors.ts';
import type { Clock } from '#platform/http/clock.ts';
import type { HttpClient } from '#platform/http/createHttpClient.ts';
import type { RequestBudget } from '#platform/http/createRequestBudget.ts';
import { describeUrl } from '#platform/http/describeUrl.ts';
import { sendRequest, type HttpRequest } from '#platform/http/sendRequest.ts';
import type { Logger } from '#platform/log.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { redact, redactAndCut } from '#platform/redact.ts';
import type { SecretStore } from '#platform/secrets/secretStore.ts';
import { createAuthenticator } from './createAuthenticator.ts';
import type { HttpSettings } from './restSettings.ts';

export type JsonResponse =
  | { readonly status: 200; readonly json: unknown; readonly headers: IncomingHttpHeaders; readonly url: string; readonly origin: string }
  | { readonly status: 304; readonly headers: IncomingHttpHeaders; readonly url: string; readonly origin: string };

export type RestClient = {
  /** GETs a JSON document. 304 (with `ifNoneMatch`) comes back as such; other non-2xx statuses and bodies that are not JSON are errors naming the URL and dataset. */
  readonly getJson: (url: URL, options?: { readonly headers?: Readonly<Record<string, string>>; readonly ifNoneMatch?: string }) => Promise<JsonResponse>;
  /** The URL as it may appear in logs, errors and raw parts (secrets removed). */
  readonly describe: (url: string | URL) => string;
};

export type RestClientOptions = {
  readonly ref: DatasetRef;
  readonly settings: HttpSettings;
  readonly secrets: SecretStore;
  readonly http: HttpClient;
  readonly clock: Clock;
  readonly deadline: number;
  readonly budget: RequestBudget | undefined;
  readonly logger: Logger;
};

const snippet = (body: string, limit = 200): string => redactAndCut(redact(body).replace(/\s+/g, ' '), limit);

/** An authenticated JSON client for one dataset's extraction: retries, budget, deadline and auth included. */
export function createRestClient(options: RestClientOptions): RestClient {
  const { ref, settings } = options;
  const label = `dataset ${ref.source.source}.${ref.dataset.name}`;
  let secretParams: readonly string[] = [];
  const describe = (url: string | URL): string => describeUrl(url, secretParams);
  const send = (request: HttpRequest) =>
    sendRequest(request, {
      client: options.http,
      clock: options.clock,
      deadline: options.deadline,
      budget: options.budget,
      retry: { attempts: settings.retry.attempts, baseDelayMs: settings.retry.base_delay_ms, maxDelayMs: settings.retry.max_delay_ms },
      timeoutMs: settings.timeout_ms,
      label,
      describe,
      logger: options.logger,
    });
  const auth = createAuthenticator(settings.auth, { source: ref.source, secrets: options.secrets, send, logger: options.logger });
  secretParams = auth.secretParams;

  const getJson: RestClient['getJson'] = async (url, extra = {}) => {
    for (;;) {
      const credentials = await auth.credentials();
      const target = new URL(url);
      for (const [name, value] of Object.entries(credentials.query)) target.searchParams.set(name, value);
      const headers = { accept: 'application/json', ...lower(settings.headers), ...lower(extra.headers ?? {}), ...(extra.ifNoneMatch === undefined ? {} : { 'if-none-match': extra.ifNoneMatch }), ...credentials.headers };
      const response = await send({ url: target.toString(), headers });
      const origin = describe(url);
      if (response.status === 304) {
        return { status: 304, headers: response.headers, url: response.url, origin };
      }
      if (response.status === 401 && (await auth.renew())) {
        continue;
      }
      if (response.status === 401 || response.status === 403) {
        throw new UnauthorizedError('connector.unauthorized', `${label}: GET ${origin} was refused with HTTP ${response.status} (${snippet(response.body)}). Check the secrets of source \`${ref.source.source}\` (auth type ${settings.auth.type}).`, { context: { url: origin, status: response.status } });
      }
      if (response.status === 404) {
        throw new NotFoundError('connector.http_not_found', `${label}: GET ${origin} answered 404 (${snippet(response.body)}); check base_url, path and ids in metadata/${ref.source.source}.yml.`, { context: { url: origin } });
      }
      if (response.status < 200 || response.status >= 300) {
        throw new PlatformError('connector.http_status', `${label}: GET ${origin} answered HTTP ${response.status} (${snippet(response.body)}).`, { context: { url: origin, status: response.status } });
      }
      try {
        return { status: 200, json: JSON.parse(response.body) as unknown, headers: response.headers, url: response.url, origin };
      } catch (error) {
        throw new ValidationError('connector.malformed_response', `${label}: GET ${origin} returned a body that is not JSON (content-type ${response.headers['content-type'] ?? 'none'}, ${response.body.length} characters, starting ${JSON.stringify(snippet(response.body, 60))}); nothing was written for this page.`, {
          cause: error,
          context: { url: origin, source: ref.source.source, dataset: ref.dataset.name },
        });
      }
    }
  };
  return { getJson, describe };
}

const lower = (headers: Readonly<Record<string, string>>): Record<string, string> => Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
