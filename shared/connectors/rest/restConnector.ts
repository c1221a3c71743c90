import { Connector, type PageInput } from '../connector.ts';
import { createRestClient, type RestClient } from './createRestClient.ts';
import type { HttpSettings } from './restSettings.ts';

/**
 * Base of connectors that talk to an HTTP JSON API (the declarative `rest` connector, `ynab`, and
 * coded connectors to come). It adds, on top of `Connector`: authentication from the source's
 * `auth` setting and secrets, retries with backoff on 5xx/429/network errors honouring
 * Retry-After, the per-token request budget (`rate_limit`), timeouts and the step's deadline.
 * A subclass builds URLs and turns response bodies into records.
 */
export abstract class RestConnector<C extends HttpSettings, E, S> extends Connector<C, E, S> {
  /** The roles of every auth type: token, username/password, api_key, OAuth2 client and refresh token. */
  override readonly secretRoles: readonly string[] = ['token', 'username', 'password', 'api_key', 'client_id', 'client_secret', 'refresh_token'];

  protected override rateLimit(config: C): { readonly limit: number; readonly windowMs: number } | undefined {
    return config.rate_limit === undefined ? undefined : { limit: config.rate_limit.requests, windowMs: config.rate_limit.per_seconds * 1000 };
  }

  /** The authenticated, retrying JSON client for one extraction. */
  protected restClient(input: PageInput<C, E, S>): RestClient {
    return createRestClient({
      ref: input.ref,
      settings: input.config,
      secrets: input.context.secrets,
      http: input.context.http,
      clock: input.context.clock,
      deadline: input.deadline,
      budget: input.budget,
      logger: input.context.logger.child({ source: input.ref.source.source, dataset: input.ref.dataset.name, run_id: input.run.runId }),
    });
  }
}
