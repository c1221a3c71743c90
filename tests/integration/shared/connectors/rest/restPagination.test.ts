import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { Connector } from '#connectors/connector.ts';
import { RestApiConnector } from '#connectors/rest/restApiConnector.ts';
import { ConfigError, ValidationError } from '#platform/errors.ts';
import { createEnvSecretStore } from '#platform/secrets/createEnvSecretStore.ts';
import { createHarness, datasetRef, extractInChunks, newRun, recordsOf, type Harness } from '#support/connectorHarness.ts';
import { startTestServer, type Reply, type TestServer } from '#support/httpServer.ts';
import { ITEMS, itemsApi, PAGINATED } from './fakeItemsApi.ts';

const connector = new RestApiConnector();
const generic = connector as unknown as Connector<unknown, unknown, unknown>;
const noSecrets = createEnvSecretStore({ lookup: () => undefined });
const pagination = suite<{ server: TestServer; harness: Harness; override?: (index: number) => Reply | undefined; msPerRequest: number }>('rest connector pagination');

pagination.before.each(async (context) => {
  context.override = undefined;
  context.msPerRequest = 0;
  context.harness = await createHarness(noSecrets);
  context.server = await startTestServer((request, index) => {
    context.harness.clock.advance(context.msPerRequest);
    return context.override?.(index) ?? itemsApi(request, () => context.server.url);
  });
});
pagination.after.each(async ({ server, harness }) => {
  await server.close();
  await harness.cleanup();
});

const refFor = (server: TestServer, extract: Record<string, unknown>) => datasetRef({ source: 'demo', connector: 'rest', config: { base_url: server.url } }, { name: 'items', extract });

for (const [kind, extract] of Object.entries(PAGINATED)) {
  pagination(`${kind}: every item arrives once, one raw part per page, in order`, async ({ server, harness }) => {
    const ref = refFor(server, extract);
    const run = newRun(ref);
    const result = await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.is(result.done, true);
    assert.is(result.records, 7);
    assert.is(result.pages, 3);
    const written = await recordsOf(harness.raw, run);
    assert.equal(written.records, ITEMS);
    assert.equal(written.parts, [0, 1, 2]);
    assert.match(written.origins[0] ?? '', `${server.url}/`);
    assert.is((await harness.raw.readManifest(run))?.complete, true);
  });

  pagination(`${kind}: stopping at the time budget and resuming from the checkpoint yields exactly the records of one uninterrupted run`, async (context) => {
    const { server, harness } = context;
    const ref = refFor(server, extract);
    const whole = newRun(ref);
    await connector.extract({ ref, run: whole, deadline: harness.clock.now() + 600_000 }, harness.context);
    const expected = await recordsOf(harness.raw, whole);

    context.msPerRequest = 3000; // each page takes 3 s; each chunk has 5 s, so a chunk fits exactly one page
    const chunked = newRun(ref);
    const { results } = await extractInChunks(generic, harness, ref, chunked, 5000);
    assert.ok(results.length >= 3, `stopped between pages (${results.length} chunks)`);
    assert.ok(results.slice(0, -1).every((result) => !result.done && result.checkpoint !== undefined));
    assert.equal(results.map((result) => result.records).reduce((a, b) => a + b, 0), 7);
    const resumed = await recordsOf(harness.raw, chunked);
    assert.equal(resumed.records, expected.records);
    assert.equal(resumed.parts, [0, 1, 2], 'part numbers continue across continuations');
    assert.is((await harness.raw.readManifest(chunked))?.complete, true);
  });
}

pagination('a malformed body on page 2 is a ValidationError naming the URL and dataset; nothing is written for that page', async (context) => {
  const { server, harness } = context;
  context.override = (index) => (index === 1 ? { headers: { 'content-type': 'application/json' }, body: '{"data": [{"id": "item-4"' } : undefined);
  const ref = refFor(server, PAGINATED.page_number ?? {});
  const run = newRun(ref);
  try {
    await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.unreachable('malformed body should fail');
  } catch (error) {
    assert.instance(error, ValidationError);
    assert.is((error as ValidationError).code, 'connector.malformed_response');
    assert.match((error as Error).message, 'dataset demo.items');
    assert.match((error as Error).message, `${server.url}/page?page=2&per_page=3`);
  }
  const written = await recordsOf(harness.raw, run);
  assert.equal(written.parts, [0]);
  assert.equal(written.records, ITEMS.slice(0, 3));
});

pagination('a body without the records array is a ValidationError naming records_path; nothing is written', async (context) => {
  const { server, harness } = context;
  context.override = () => ({ body: { data: { unexpected: true } } });
  const ref = refFor(server, PAGINATED.page_number ?? {});
  const run = newRun(ref);
  try {
    await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.unreachable('unexpected shape should fail');
  } catch (error) {
    assert.is((error as ValidationError).code, 'connector.unexpected_shape');
    assert.match((error as Error).message, 'records_path "data"');
    assert.match((error as Error).message, 'found object');
  }
  assert.equal((await recordsOf(harness.raw, run)).parts, []);
});

pagination('a Link header pointing at another origin stops with an error instead of sending credentials there', async (context) => {
  const { server, harness } = context;
  context.override = () => ({ headers: { link: '<https://elsewhere.example/link?page=2>; rel="next"' }, body: [ITEMS[0]] });
  const ref = refFor(server, PAGINATED.link_header ?? {});
  try {
    await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.unreachable('foreign link');
  } catch (error) {
    assert.is((error as ValidationError).code, 'connector.foreign_next_link');
  }
});

pagination('a cursor API that repeats its cursor is stopped instead of looping forever', async (context) => {
  const { server, harness } = context;
  context.override = () => ({ body: { items: [ITEMS[0]], paging: { next: 'same' } } });
  const ref = refFor(server, PAGINATED.cursor ?? {});
  try {
    await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.unreachable('loop');
  } catch (error) {
    assert.is((error as ValidationError).code, 'connector.pagination_loop');
  }
});

pagination('bad settings are one ConfigError naming the source, dataset and every bad key', ({ server }) => {
  const ref = datasetRef({ source: 'demo', connector: 'rest', config: { base_url: 'not a url', auth: { type: 'magic' } } }, { name: 'items', extract: { paginator: { type: 'page_number', start: -1 }, etag: 'yes' } });
  try {
    connector.parseSettings(ref);
    assert.unreachable('bad settings');
  } catch (error) {
    assert.instance(error, ConfigError);
    const message = (error as Error).message;
    assert.match(message, 'metadata/demo.yml');
    assert.match(message, 'source `demo` config.base_url');
    assert.match(message, 'source `demo` config.auth');
    assert.match(message, 'dataset `demo.items` extract.paginator.start');
    assert.match(message, 'dataset `demo.items` extract.etag');
  }
  void server;
});

pagination.run();
