/**
 * The Infisical provider against a local server that answers the wire calls @infisical/sdk makes:
 * universal-auth login, get secret, list secrets, update and create secret.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { ConfigError, NotFoundError } from '#platform/errors.ts';
import { redact } from '#platform/redact.ts';
import { createInfisicalSecretStore } from '#platform/secrets/createInfisicalSecretStore.ts';
import { startTestServer, type RecordedRequest, type Reply, type TestServer } from '#support/httpServer.ts';

const CLIENT_ID = 'machine-identity-id';
const CLIENT_SECRET = 'machine-identity-secret-0001';
const ACCESS_TOKEN = 'infisical-access-token-0001';
const PROJECT = 'proj-123';

type Vault = Map<string, string>;

function secretBody(key: string, value: string): Record<string, unknown> {
  return { id: `id-${key}`, workspace: PROJECT, workspaceId: PROJECT, environment: 'prod', secretKey: key, secretValue: value, secretPath: '/', version: 1, type: 'shared', secretValueHidden: false, isRotatedSecret: false, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', tags: [] };
}

/** Behaves like Infisical's API for the calls the SDK makes. */
function infisicalApi(vault: Vault) {
  return (request: RecordedRequest): Reply => {
    if (request.method === 'POST' && request.path === '/api/v1/auth/universal-auth/login') {
      const body = JSON.parse(request.body) as { clientId?: string; clientSecret?: string };
      if (body.clientId !== CLIENT_ID || body.clientSecret !== CLIENT_SECRET) {
        return { status: 401, body: { statusCode: 401, message: 'Invalid credentials', error: 'UnauthorizedError' } };
      }
      return { body: { accessToken: ACCESS_TOKEN, expiresIn: 7200, accessTokenMaxTTL: 7200, tokenType: 'Bearer' } };
    }
    if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
      return { status: 401, body: { statusCode: 401, message: 'Token missing', error: 'UnauthorizedError' } };
    }
    const scope = request.method === 'GET' ? request.query : new URLSearchParams(Object.entries(JSON.parse(request.body || '{}') as Record<string, string>).filter(([, v]) => typeof v === 'string'));
    if (scope.get('workspaceId') !== PROJECT || scope.get('environment') !== 'prod') {
      return { status: 404, body: { statusCode: 404, message: 'Folder with path / in environment not found', error: 'NotFound' } };
    }
    if (request.method === 'GET' && request.path === '/api/v3/secrets/raw') {
      return { body: { secrets: [...vault].map(([key, value]) => secretBody(key, scope.get('viewSecretValue') === 'false' ? '<hidden-by-infisical>' : value)), imports: [] } };
    }
    const match = /^\/api\/v3\/secrets\/raw\/([^/]+)$/.exec(request.path);
    if (match?.[1] !== undefined) {
      const key = decodeURIComponent(match[1]);
      if (request.method === 'GET') {
        const value = vault.get(key);
        return value === undefined ? { status: 404, body: { statusCode: 404, message: `Secret with name '${key}' not found`, error: 'NotFound' } } : { body: { secret: secretBody(key, value) } };
      }
      const body = JSON.parse(request.body) as { secretValue: string };
      if (request.method === 'PATCH') {
        if (!vault.has(key)) return { status: 404, body: { statusCode: 404, message: `Secret with name '${key}' not found`, error: 'NotFound' } };
        vault.set(key, body.secretValue);
        return { body: { secret: secretBody(key, body.secretValue) } };
      }
      if (request.method === 'POST') {
        vault.set(key, body.secretValue);
        return { body: { secret: secretBody(key, body.secretValue) } };
      }
    }
    return { status: 404, body: { statusCode: 404, message: 'Route not found', error: 'NotFound' } };
  };
}

const infisical = suite<{ server: TestServer; vault: Vault }>('createInfisicalSecretStore');

infisical.before.each(async (context) => {
  context.vault = new Map([['ynab-token', 'ynab-from-infisical-42']]);
  context.server = await startTestServer(infisicalApi(context.vault));
});
infisical.after.each(async ({ server }) => {
  await server.close();
});

const storeFor = (server: TestServer, clientSecret = CLIENT_SECRET) =>
  createInfisicalSecretStore({ siteUrl: server.url, projectId: PROJECT, environment: 'prod', secretPath: '/', credentials: async () => ({ clientId: CLIENT_ID, clientSecret }) });

infisical('logs in with universal auth once and reads a secret by key', async ({ server }) => {
  const store = storeFor(server);
  assert.is(await store.get('ynab-token'), 'ynab-from-infisical-42');
  assert.is(await store.get('ynab-token'), 'ynab-from-infisical-42');
  const logins = server.requests.filter((r) => r.path === '/api/v1/auth/universal-auth/login');
  assert.is(logins.length, 1);
  const reads = server.requests.filter((r) => r.path === '/api/v3/secrets/raw/ynab-token');
  assert.is(reads.length, 2);
  assert.is(reads[0]?.query.get('workspaceId'), PROJECT);
  assert.is(reads[0]?.query.get('secretPath'), '/');
  // the value, the client secret and the access token are all masked from now on
  assert.is(redact(`ynab-from-infisical-42 ${CLIENT_SECRET} ${ACCESS_TOKEN}`), '[redacted] [redacted] [redacted]');
});

infisical('a missing key is a NotFoundError naming the key, project, environment and path (checked by listing)', async ({ server }) => {
  const store = storeFor(server);
  try {
    await store.get('github-token');
    assert.unreachable('missing key');
  } catch (error) {
    assert.instance(error, NotFoundError);
    assert.match((error as Error).message, 'github-token');
    assert.match((error as Error).message, `project ${PROJECT}, environment prod, path /`);
  }
  assert.ok(server.requests.some((r) => r.method === 'GET' && r.path === '/api/v3/secrets/raw'), 'listed the folder to tell absent from failing');
});

infisical('set updates an existing secret and creates a new one', async ({ server, vault }) => {
  const store = storeFor(server);
  assert.ok(store.writable);
  await store.set('ynab-token', 'rotated-in-infisical-1');
  assert.is(vault.get('ynab-token'), 'rotated-in-infisical-1');
  await store.set('strava_refresh_token', 'brand-new-refresh-1');
  assert.is(vault.get('strava_refresh_token'), 'brand-new-refresh-1');
  assert.ok(server.requests.some((r) => r.method === 'PATCH'));
  assert.ok(server.requests.some((r) => r.method === 'POST' && r.path === '/api/v3/secrets/raw/strava_refresh_token'));
  assert.is(await store.get('strava_refresh_token'), 'brand-new-refresh-1');
});

infisical('wrong machine credentials are a ConfigError that says which secrets to check, without the secret', async ({ server }) => {
  const store = storeFor(server, 'wrong-client-secret-77');
  try {
    await store.get('ynab-token');
    assert.unreachable('login should fail');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.is((error as ConfigError).code, 'secret.infisical_login_failed');
    assert.match((error as Error).message, 'infisical-client-secret');
    assert.not.match(redact((error as Error).message), 'wrong-client-secret-77');
  }
});

infisical.run();
