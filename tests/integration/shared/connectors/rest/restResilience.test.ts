import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { Connector } from '#connectors/connector.ts';
import { RestApiConnector } from '#connectors/rest/restApiConnector.ts';
import { TransientError } from '#platform/errors.ts';
import { createEnvSecretStore } from '#platform/secrets/createEnvSecretStore.ts';
import { createHarness, datasetRef, extractInChunks, newRun, recordsOf, type Harness } from '#support/connectorHarness.ts';
import { startTestServer, type Reply, type TestServer } from '#support/httpServer.ts';
import { ITEMS, itemsApi, PAGINATED } from './fakeItemsApi.ts';

const connector = new RestApiConnector();
const noSecrets = createEnvSecretStore({ lookup: () => undefined });
const resilience = suite<{ server: TestServer; harness: Harness; override?: (index: number) => Reply | undefined }>('rest connector retries, Retry-After and request budget');

resilience.before.each(async (context) => {
  context.override = undefined;
  context.harness = await createHarness(noSecrets);
  context.server = await startTestServer((request, index) => context.override?.(index) ?? itemsApi(request, () => context.server.url));
});
resilience.after.each(async ({ server, harness }) => {
  await server.close();
  await harness.cleanup();
});

const refFor = (server: TestServer, config: Record<string, unknown> = {}) =>
  datasetRef({ source: 'demo', connector: 'rest', config: { base_url: server.url, ...config } }, { name: 'items', extract: PAGINATED.page_number ?? {} });

resilience('a 429 with Retry-After is waited out exactly as asked, then the page is fetched', async (context) => {
  const { server, harness } = context;
  context.override = (index) => (index === 1 ? { status: 429, headers: { 'retry-after': '7' }, body: { error: { id: '429', name: 'too_many_requests' } } } : undefined);
  const ref = refFor(server);
  const run = newRun(ref);
  const result = await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(result.done, true);
  assert.equal(harness.clock.sleeps, [7000]);
  assert.equal((await recordsOf(harness.raw, run)).records, ITEMS);
  assert.equal(server.requests.map((r) => r.query.get('page')), ['1', '2', '2', '3']);
});

resilience('a 500 then success retries with backoff; a dropped connection too', async (context) => {
  const { server, harness } = context;
  context.override = (index) => (index === 0 ? { status: 500, body: 'oops' } : index === 2 ? { drop: true } : undefined);
  const ref = refFor(server, { retry: { attempts: 3, base_delay_ms: 250 } });
  const run = newRun(ref);
  const result = await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(result.records, 7);
  assert.equal(harness.clock.sleeps, [250, 250]);
  assert.equal((await recordsOf(harness.raw, run)).records, ITEMS);
  assert.ok(harness.logs.some((line) => line.includes('"event":"http.retry"') && line.includes('HTTP 500')));
});

resilience('retries that keep failing end in a retryable TransientError naming the URL', async (context) => {
  const { server, harness } = context;
  context.override = () => ({ status: 503, body: 'down' });
  const ref = refFor(server, { retry: { attempts: 3, base_delay_ms: 100 } });
  try {
    await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.unreachable('should give up');
  } catch (error) {
    assert.instance(error, TransientError);
    assert.is((error as TransientError).code, 'http.retries_exhausted');
    assert.is((error as TransientError).retryable, true);
    assert.match((error as Error).message, `${server.url}/page?page=1&per_page=3`);
    assert.match((error as Error).message, '3 times (last: HTTP 503)');
  }
  assert.equal(harness.clock.sleeps, [100, 200]);
});

resilience('a Retry-After longer than the time left returns a checkpoint with resumeAt instead of failing; resuming completes', async (context) => {
  const { server, harness } = context;
  context.override = (index) => (index === 1 ? { status: 429, headers: { 'retry-after': '120' } } : undefined);
  const ref = refFor(server);
  const run = newRun(ref);
  const started = harness.clock.now();
  const first = await connector.extract({ ref, run, deadline: started + 30_000 }, harness.context);
  assert.is(first.done, false);
  assert.is(first.records, 3);
  assert.is(first.resumeAt, started + 120_000);
  assert.equal(harness.clock.sleeps, []);
  harness.clock.advance(120_000);
  const second = await connector.extract({ ref, run, checkpoint: first.checkpoint, deadline: harness.clock.now() + 30_000 }, harness.context);
  assert.is(second.done, true);
  assert.equal((await recordsOf(harness.raw, run)).records, ITEMS);
});

resilience('the request budget waits when the wait fits the deadline', async ({ server, harness }) => {
  const ref = refFor(server, { rate_limit: { requests: 2, per_seconds: 60 } });
  const run = newRun(ref);
  const result = await connector.extract({ ref, run, deadline: harness.clock.now() + 600_000 }, harness.context);
  assert.is(result.done, true);
  assert.equal(harness.clock.sleeps, [60_000]);
  assert.is(server.requests.length, 3);
});

resilience('a spent request budget whose wait does not fit returns a checkpoint that carries the budget into the continuation', async ({ server, harness }) => {
  const ref = refFor(server, { rate_limit: { requests: 2, per_seconds: 3600 } });
  const run = newRun(ref);
  const { results } = await extractInChunks(connector as unknown as Connector<unknown, unknown, unknown>, harness, ref, run, 60_000);
  assert.is(results.length, 2);
  const [first] = results;
  assert.is(first?.done, false);
  assert.is(first?.records, 6);
  assert.is(first?.resumeAt, Date.UTC(2026, 0, 1) + 3_600_000);
  assert.equal((first?.checkpoint as { budget?: number[] }).budget?.length, 2);
  assert.is(server.requests.length, 3, 'never more requests than the budget allows');
  assert.equal((await recordsOf(harness.raw, run)).records, ITEMS);
});

resilience.run();
