import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { RestApiConnector } from '#connectors/rest/restApiConnector.ts';
import { ConfigError, UnauthorizedError } from '#platform/errors.ts';
import { createFileSecretStore } from '#platform/secrets/createFileSecretStore.ts';
import { createHarness, datasetRef, newRun, recordsOf, type Harness } from '#support/connectorHarness.ts';
import { startTestServer, type RecordedRequest, type Reply, type TestServer } from '#support/httpServer.ts';
import { ITEMS, itemsApi, PAGINATED } from './fakeItemsApi.ts';

const connector = new RestApiConnector();
type Context = { server: TestServer; harness: Harness; secretsDir: string; handler: (request: RecordedRequest, index: number) => Reply };
const auth = suite<Context>('rest connector authentication, ETag and incremental cursor');

auth.before.each(async (context) => {
  context.secretsDir = await mkdtemp(path.join(os.tmpdir(), 'dp-secrets-'));
  context.harness = await createHarness(createFileSecretStore({ directory: context.secretsDir }));
  context.handler = (request) => itemsApi(request, () => context.server.url);
  context.server = await startTestServer((request, index) => context.handler(request, index));
});
auth.after.each(async ({ server, harness, secretsDir }) => {
  await server.close();
  await harness.cleanup();
  await rm(secretsDir, { recursive: true, force: true });
});

const secret = (context: Context, name: string, value: string) => writeFile(path.join(context.secretsDir, name), `${value}\n`);
const refWith = (server: TestServer, config: Record<string, unknown>, secrets: Record<string, string>, extract: Record<string, unknown> = PAGINATED.link_header ?? {}) =>
  datasetRef({ source: 'demo', connector: 'rest', config: { base_url: server.url, ...config }, secrets }, { name: 'items', extract });

auth('bearer, basic and API-key-in-header credentials come from the secret store', async (context) => {
  const { server, harness } = context;
  await secret(context, 'demo-token', 'bearer-token-1111');
  await secret(context, 'demo-user', 'alice');
  await secret(context, 'demo-password', 'basic-password-2222');
  await secret(context, 'demo-key', 'header-key-3333');
  const cases: [Record<string, unknown>, Record<string, string>, (r: RecordedRequest) => string | undefined, string][] = [
    [{ type: 'bearer' }, { token: 'demo-token' }, (r) => r.headers.authorization, 'Bearer bearer-token-1111'],
    [{ type: 'basic' }, { username: 'demo-user', password: 'demo-password' }, (r) => r.headers.authorization, `Basic ${Buffer.from('alice:basic-password-2222').toString('base64')}`],
    [{ type: 'api_key', in: 'header', name: 'X-Api-Key' }, { api_key: 'demo-key' }, (r) => r.headers['x-api-key'] as string | undefined, 'header-key-3333'],
  ];
  for (const [authSettings, secrets, read, expected] of cases) {
    server.requests.length = 0;
    const ref = refWith(server, { auth: authSettings }, secrets);
    const result = await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.is(result.records, 7);
    assert.ok(server.requests.every((r) => read(r) === expected), `${JSON.stringify(authSettings)} sent on every page`);
  }
});

auth('an API key in the query is sent on every page but kept out of raw parts, checkpoints and logs', async (context) => {
  const { server, harness } = context;
  await secret(context, 'demo-query-key', 'query-key-4444');
  context.handler = (request) => {
    harness.clock.advance(3000); // a slow API: one page per 5-second chunk
    return itemsApi(request, () => server.url);
  };
  const ref = refWith(server, { auth: { type: 'api_key', in: 'query', name: 'api_key' } }, { api_key: 'demo-query-key' });
  const run = newRun(ref);
  const first = await connector.extract({ ref, run, deadline: harness.clock.now() + 5000 }, harness.context);
  assert.is(first.done, false);
  assert.not.match(JSON.stringify(first.checkpoint), 'query-key-4444');
  const rest = await connector.extract({ ref, run, checkpoint: first.checkpoint, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(rest.done, true);
  assert.ok(server.requests.every((r) => r.query.get('api_key') === 'query-key-4444'));
  const written = await recordsOf(harness.raw, run);
  assert.equal(written.records, ITEMS);
  assert.equal(written.origins, [`${server.url}/link`, `${server.url}/link?page=2`, `${server.url}/link?page=3`]);
  assert.not.match(harness.logs.join('\n'), 'query-key-4444');
});

auth('a missing secret role is a ConfigError naming the source, role and fix', async ({ server, harness }) => {
  const ref = refWith(server, { auth: { type: 'bearer' } }, {});
  try {
    await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.unreachable('missing role');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.match((error as Error).message, 'Source `demo` needs a secret for role `token`');
    assert.match((error as Error).message, 'metadata/demo.yml');
  }
});

auth('OAuth2 refresh: the rotated refresh token is saved back before use; a 401 renews once', async (context) => {
  const { server, harness } = context;
  await secret(context, 'demo-client-id', 'client-id-5555');
  await secret(context, 'demo-client-secret', 'client-secret-6666');
  await secret(context, 'demo-refresh', 'refresh-token-gen-1');
  let generation = 1;
  let refusedOnce = false;
  context.handler = (request) => {
    if (request.path === '/oauth/token') {
      const form = new URLSearchParams(request.body);
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== `refresh-token-gen-${generation}` || form.get('client_secret') !== 'client-secret-6666') {
        return { status: 400, body: { error: 'invalid_grant' } };
      }
      generation += 1; // the provider rotates the refresh token on every use; the old one is dead
      return { body: { access_token: `access-token-gen-${generation}`, refresh_token: `refresh-token-gen-${generation}`, expires_in: 21600, token_type: 'Bearer' } };
    }
    if (request.headers.authorization !== `Bearer access-token-gen-${generation}`) return { status: 401, body: { message: 'Authorization Error' } };
    if (request.query.get('page') === '2' && !refusedOnce) {
      refusedOnce = true;
      return { status: 401, body: { message: 'token expired' } };
    }
    return itemsApi(request, () => server.url);
  };
  const ref = refWith(server, { auth: { type: 'oauth2_refresh', token_url: `${server.url}/oauth/token` } }, { client_id: 'demo-client-id', client_secret: 'demo-client-secret', refresh_token: 'demo-refresh' });
  const run = newRun(ref);
  const result = await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(result.records, 7);
  assert.is(generation, 3, 'refreshed at start and once after the 401');
  assert.is(await readFile(path.join(context.secretsDir, 'demo-refresh'), 'utf8'), 'refresh-token-gen-3');
  assert.ok(harness.logs.some((line) => line.includes('auth.refresh_token_rotated')));
  assert.not.match(harness.logs.join('\n'), 'refresh-token-gen-');
  assert.not.match(harness.logs.join('\n'), 'access-token-gen-');

  // the next invocation starts from the saved token, not the dead one
  const again = await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(again.records, 7);
  assert.is(await readFile(path.join(context.secretsDir, 'demo-refresh'), 'utf8'), 'refresh-token-gen-4');
});

auth('a refused refresh token is an UnauthorizedError that says which secret to renew', async (context) => {
  const { server, harness } = context;
  await secret(context, 'demo-client-id', 'client-id-5555');
  await secret(context, 'demo-client-secret', 'client-secret-6666');
  await secret(context, 'demo-refresh', 'refresh-token-revoked');
  context.handler = () => ({ status: 400, body: { error: 'invalid_grant' } });
  const ref = refWith(server, { auth: { type: 'oauth2_refresh', token_url: `${server.url}/oauth/token` } }, { client_id: 'demo-client-id', client_secret: 'demo-client-secret', refresh_token: 'demo-refresh' });
  try {
    await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.unreachable('refresh refused');
  } catch (error) {
    assert.instance(error, UnauthorizedError);
    assert.match((error as Error).message, 'secret demo-refresh');
    assert.not.match((error as Error).message, 'refresh-token-revoked');
  }
});

auth('ETag: the second run sends If-None-Match with the stored ETag; a 304 ends it unchanged with no records', async (context) => {
  const { server, harness } = context;
  context.handler = (request) => (request.headers['if-none-match'] === '"v1"' ? { status: 304 } : { headers: { etag: '"v1"' }, body: { data: ITEMS.slice(0, 2) } });
  const ref = refWith(server, {}, {}, { path: '/single', records_path: 'data', etag: true });
  const first = await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(first.records, 2);
  assert.equal(first.nextCursor, { value: null, etag: '"v1"' });
  const run = newRun(ref);
  const second = await connector.extract({ ref, run, cursor: first.nextCursor, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(second.done, true);
  assert.is(second.unchanged, true);
  assert.is(second.records, 0);
  assert.equal(second.nextCursor, first.nextCursor);
  assert.equal((await recordsOf(harness.raw, run)).parts, []);
  assert.is(server.requests[1]?.headers['if-none-match'], '"v1"');
  // --full ignores the stored ETag
  const full = await connector.extract({ ref, run: newRun(ref), cursor: first.nextCursor, full: true, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(full.records, 2);
});

auth('incremental: the committed cursor is sent as the parameter and the largest field value becomes the next cursor', async ({ server, harness }) => {
  const extract = { ...PAGINATED.offset, incremental: { param: 'updated_since', field: 'updated_at' } };
  const ref = refWith(server, {}, {}, extract);
  const first = await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.equal(first.nextCursor, { value: '2026-01-07T10:00:00Z', etag: null });
  assert.ok(server.requests.every((r) => !r.query.has('updated_since')));
  server.requests.length = 0;
  await connector.extract({ ref, run: newRun(ref), cursor: first.nextCursor, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.ok(server.requests.every((r) => r.query.get('updated_since') === '2026-01-07T10:00:00Z'));
});

auth('a secret never appears in the captured logs or the error of a failing request, even when the server echoes it', async (context) => {
  const { server, harness } = context;
  await secret(context, 'echo-token', 'echoed-secret-token-7777');
  context.handler = (request) => ({ status: 500, body: `internal error for ${request.headers.authorization ?? ''}` });
  const ref = refWith(server, { auth: { type: 'bearer' }, retry: { attempts: 2, base_delay_ms: 10 } }, { token: 'echo-token' });
  let caught: unknown;
  try {
    await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, 'the request failed');
  harness.context.logger.error('extract.failed', { error: caught });
  assert.ok(harness.logs.length >= 2, 'retries and the failure were logged');
  const everything = `${harness.logs.join('\n')}\n${JSON.stringify(caught)}\n${String((caught as Error).message)}`;
  assert.not.match(everything, 'echoed-secret-token-7777');

  context.handler = (request) => ({ status: 401, body: `bad token ${request.headers.authorization ?? ''}` });
  try {
    await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.unreachable('401');
  } catch (error) {
    assert.match((error as Error).message, 'bad token Bearer [redacted]');
    assert.not.match((error as Error).message, 'echoed-secret-token-7777');
  }
});

auth.run();
