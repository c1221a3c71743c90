import { z } from 'zod';

import { UnauthorizedError, ValidationError } from '#platform/errors.ts';
import type { HttpRequest, HttpResponse } from '#platform/http/sendRequest.ts';
import type { Logger } from '#platform/log.ts';
import type { Source } from '#metadata/schema.ts';
import { redactAndCut, registerSecretValue } from '#platform/redact.ts';
import type { SecretStore } from '#platform/secrets/secretStore.ts';
import type { AuthSettings } from './restSettings.ts';
import { secretForRole } from './secretForRole.ts';

export type Authenticator = {
  /** Headers and query parameters that authenticate a request. */
  readonly credentials: () => Promise<{ headers: Record<string, string>; query: Record<string, string> }>;
  /** Query parameters that carry secrets, removed from URLs in logs and errors. */
  readonly secretParams: readonly string[];
  /** After a 401: gets new credentials when the kind can (OAuth2) and says whether a retry makes sense. */
  readonly renew: () => Promise<boolean>;
};

export type AuthenticatorOptions = {
  readonly source: Source;
  readonly secrets: SecretStore;
  /** Sends a request through the connector's retrying client (the token endpoint shares deadline and retries). */
  readonly send: (request: HttpRequest) => Promise<HttpResponse>;
  readonly logger: Logger;
};

const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().optional(),
});

/** Turns a source's `auth` settings and secrets into request credentials. */
export function createAuthenticator(auth: AuthSettings, options: AuthenticatorOptions): Authenticator {
  const { source, secrets } = options;
  const secret = (role: string): Promise<string> => secrets.get(secretForRole(source, role, `auth type ${auth.type}`));
  switch (auth.type) {
    case 'none':
      return { credentials: async () => ({ headers: {}, query: {} }), secretParams: [], renew: async () => false };
    case 'bearer':
      return { credentials: async () => ({ headers: { authorization: `Bearer ${await secret('token')}` }, query: {} }), secretParams: [], renew: async () => false };
    case 'basic':
      return {
        credentials: async () => {
          const encoded = Buffer.from(`${await secret('username')}:${await secret('password')}`).toString('base64');
          registerSecretValue(encoded);
          return { headers: { authorization: `Basic ${encoded}` }, query: {} };
        },
        secretParams: [],
        renew: async () => false,
      };
    case 'api_key':
      return {
        credentials: async () => {
          const key = await secret('api_key');
          return auth.in === 'header' ? { headers: { [auth.name.toLowerCase()]: key }, query: {} } : { headers: {}, query: { [auth.name]: key } };
        },
        secretParams: auth.in === 'query' ? [auth.name] : [],
        renew: async () => false,
      };
    case 'oauth2_refresh':
      return createOAuth2Refresh(auth, options, secret);
  }
}

function createOAuth2Refresh(auth: Extract<AuthSettings, { type: 'oauth2_refresh' }>, options: AuthenticatorOptions, secret: (role: string) => Promise<string>): Authenticator {
  const refreshSecretName = secretForRole(options.source, 'refresh_token', 'auth type oauth2_refresh');
  let accessToken: string | undefined;
  let refreshes = 0;

  const refresh = async (): Promise<void> => {
    refreshes += 1;
    const [clientId, clientSecret, refreshToken] = [await secret('client_id'), await secret('client_secret'), await secret('refresh_token')];
    const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken, ...(auth.scope === undefined ? {} : { scope: auth.scope }) };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth.client_auth === 'basic') {
      const encoded = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64');
      registerSecretValue(encoded);
      headers.authorization = `Basic ${encoded}`;
    } else {
      form.client_id = clientId;
      form.client_secret = clientSecret;
    }
    const response = await options.send({ method: 'POST', url: auth.token_url, headers, form });
    if (response.status < 200 || response.status >= 300) {
      throw new UnauthorizedError('connector.oauth_refresh_failed', `Source \`${options.source.source}\`: the token endpoint ${auth.token_url} refused the refresh token with HTTP ${response.status} (${redactAndCut(response.body, 200)}). Authorise the app again and store the new refresh token in secret ${refreshSecretName}.`, {
        context: { source: options.source.source, status: response.status },
      });
    }
    let parsed: z.output<typeof tokenResponseSchema>;
    try {
      parsed = tokenResponseSchema.parse(JSON.parse(response.body));
    } catch (error) {
      throw new ValidationError('connector.oauth_bad_response', `Source \`${options.source.source}\`: the token endpoint ${auth.token_url} answered without an access_token (or not in JSON); check auth.token_url.`, { cause: error });
    }
    registerSecretValue(parsed.access_token);
    if (parsed.refresh_token !== undefined && parsed.refresh_token !== refreshToken) {
      // Saved before the new access token is used: the old refresh token may already be invalid.
      await options.secrets.set(refreshSecretName, parsed.refresh_token);
      options.logger.info('auth.refresh_token_rotated', { source: options.source.source, secret: refreshSecretName });
    }
    accessToken = parsed.access_token;
  };

  return {
    credentials: async () => {
      if (accessToken === undefined) await refresh();
      return { headers: { authorization: `Bearer ${accessToken ?? ''}` }, query: {} };
    },
    secretParams: [],
    renew: async () => {
      if (refreshes >= 2) return false;
      await refresh();
      return true;
    },
  };
}
