/**
 * Settings every HTTP connector shares (declarative `rest`, `ynab`…): authentication, retries,
 * timeouts and the request budget. Secret values are never settings: `auth` names a kind, and
 * the connector asks the secret store for the secrets the source maps to the kind's roles.
 */
import { z } from 'zod';

export const authSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  /** `Authorization: Bearer <token>`; secret role `token`. */
  z.strictObject({ type: z.literal('bearer') }),
  /** HTTP basic; secret roles `username` and `password`. */
  z.strictObject({ type: z.literal('basic') }),
  /** An API key in a header or a query parameter; secret role `api_key`. */
  z.strictObject({
    type: z.literal('api_key'),
    in: z.enum(['header', 'query'], { message: 'must be header or query' }),
    /** Header or query parameter name, e.g. X-Api-Key or api_key. */
    name: z.string().min(1),
  }),
  /**
   * OAuth2 refresh-token grant: a fresh access token per invocation; a rotated refresh token is
   * saved back to the secret store before it is used. Secret roles `client_id`, `client_secret`, `refresh_token`.
   */
  z.strictObject({
    type: z.literal('oauth2_refresh'),
    token_url: z.url({ message: 'must be the absolute URL of the token endpoint' }),
    scope: z.string().optional(),
    /** How the client authenticates at the token endpoint. Default: body (client_id and client_secret as form fields). */
    client_auth: z.enum(['body', 'basic']).default('body'),
  }),
], { message: 'must have type none, bearer, basic, api_key or oauth2_refresh' });
export type AuthSettings = z.output<typeof authSchema>;

export const retrySchema = z.strictObject({
  /** Tries in total for 5xx, 429 and network errors. Default: 5. */
  attempts: z.number().int().min(1).max(20).default(5),
  /** First backoff in ms, doubled per retry (Retry-After wins when sent). Default: 1000. */
  base_delay_ms: z.number().int().min(0).default(1000),
  /** Longest backoff in ms. Default: 60000. */
  max_delay_ms: z.number().int().min(0).default(60_000),
});

export const rateLimitSchema = z.strictObject({
  /** Requests allowed per window and token. */
  requests: z.number().int().positive(),
  /** Window in seconds. Default: 3600. */
  per_seconds: z.number().int().positive().default(3600),
});

/** Fields of `source.config` shared by the HTTP connectors. */
export const httpSettingsShape = {
  auth: authSchema.default({ type: 'none' }),
  /** Extra headers on every request (never secrets: use auth). */
  headers: z.record(z.string(), z.string()).default({}),
  /** Timeout of one request in ms. Default: 30000. */
  timeout_ms: z.number().int().positive().default(30_000),
  retry: retrySchema.default({ attempts: 5, base_delay_ms: 1000, max_delay_ms: 60_000 }),
  /** Request budget per token; when spent, the connector waits if that fits the deadline or checkpoints. Default: none. */
  rate_limit: rateLimitSchema.optional(),
};
export type HttpSettings = {
  readonly auth: AuthSettings;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeout_ms: number;
  readonly retry: z.output<typeof retrySchema>;
  readonly rate_limit?: z.output<typeof rateLimitSchema> | undefined;
};
