import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { Connector } from '#connectors/connector.ts';
import { YnabConnector } from '#connectors/ynab/ynabConnector.ts';
import { ConfigError, ValidationError } from '#platform/errors.ts';
import { createEnvSecretStore } from '#platform/secrets/createEnvSecretStore.ts';
import { createHarness, datasetRef, extractInChunks, newRun, recordsOf, type Harness } from '#support/connectorHarness.ts';
import { startTestServer, type Reply, type TestServer } from '#support/httpServer.ts';
import { createFakeYnab, TOKEN, transaction, type FakeYnab } from './fakeYnabApi.ts';

const connector = new YnabConnector();
const secrets = createEnvSecretStore({ lookup: (name) => (name === 'ynab-token' ? TOKEN : undefined) });
type Context = { server: TestServer; harness: Harness; ynab: FakeYnab; override?: (index: number) => Reply | undefined; msPerRequest: number };
const ynab = suite<Context>('ynab connector');

ynab.before.each(async (context) => {
  context.override = undefined;
  context.msPerRequest = 0;
  context.harness = await createHarness(secrets);
  context.ynab = createFakeYnab([{ id: 'budget-a', name: 'Household' }, { id: 'budget-b', name: 'Business' }]);
  context.ynab.put('budget-a', 'transactions', transaction('t1', -12_340));
  context.ynab.put('budget-a', 'transactions', transaction('t2', 250_000, { memo: 'salary' }));
  context.ynab.put('budget-a', 'transactions', transaction('t-old', -1_000, { deleted: true }));
  context.ynab.put('budget-b', 'transactions', transaction('t3', -99_990));
  context.server = await startTestServer((request, index) => {
    context.harness.clock.advance(context.msPerRequest);
    return context.override?.(index) ?? context.ynab.handle(request);
  });
});
ynab.after.each(async ({ server, harness }) => {
  await server.close();
  await harness.cleanup();
});

const refFor = (server: TestServer, dataset: string, config: Record<string, unknown> = {}, extract: Record<string, unknown> = {}) =>
  datasetRef({ source: 'ynab', connector: 'ynab', config: { base_url: `${server.url}/v1`, ...config }, secrets: { token: 'ynab-token' } }, { name: dataset, load: 'delta', key: ['budget_id', 'id'], deleted_flag: 'deleted', extract });

ynab('first run: every live transaction of every budget, one part per budget, budget_id added, milliunits as integers', async ({ server, harness }) => {
  const ref = refFor(server, 'transactions');
  const run = newRun(ref);
  const result = await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(result.done, true);
  assert.equal(result.nextCursor, { server_knowledge: { 'budget-a': 3, 'budget-b': 1 } });
  const written = await recordsOf(harness.raw, run);
  assert.equal(written.parts, [0, 1]);
  const records = written.records as { id: string; budget_id: string; amount: number }[];
  assert.equal(records.map((r) => [r.budget_id, r.id, r.amount]), [['budget-a', 't1', -12_340], ['budget-a', 't2', 250_000], ['budget-b', 't3', -99_990]]);
  assert.ok(records.every((r) => Number.isInteger(r.amount)));
  assert.equal(server.requests.map((r) => r.path), ['/v1/budgets', '/v1/budgets/budget-a/transactions', '/v1/budgets/budget-b/transactions']);
  assert.ok(server.requests.every((r) => !r.query.has('last_knowledge_of_server')));
});

ynab('delta run: last_knowledge_of_server per budget from the cursor; only changes arrive, deleted ones flagged', async ({ server, harness, ynab: fake }) => {
  const ref = refFor(server, 'transactions');
  const first = await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
  fake.put('budget-a', 'transactions', transaction('t1', -12_000, { memo: 'corrected' }));
  fake.put('budget-a', 'transactions', transaction('t2', 250_000, { deleted: true }));
  fake.put('budget-a', 'transactions', transaction('t4', -5_500));
  server.requests.length = 0;
  const run = newRun(ref);
  const second = await connector.extract({ ref, run, cursor: first.nextCursor, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.equal(server.requests.filter((r) => r.path.endsWith('/transactions')).map((r) => r.query.get('last_knowledge_of_server')), ['3', '1']);
  const records = (await recordsOf(harness.raw, run)).records as { id: string; deleted: boolean; amount: number; memo: string | null }[];
  assert.equal(records.map((r) => [r.id, r.deleted, r.amount]), [['t1', false, -12_000], ['t2', true, 250_000], ['t4', false, -5_500]]);
  assert.is(second.pages, 1, 'budget-b had no changes, so no part');
  assert.equal(second.nextCursor, { server_knowledge: { 'budget-a': 6, 'budget-b': 1 } });
  // --full ignores the cursor
  const full = await connector.extract({ ref, run: newRun(ref), cursor: second.nextCursor, full: true, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(full.records, 3);
});

ynab('categories: category groups flattened into one record per category with the group name', async ({ server, harness, ynab: fake }) => {
  const category = (id: string, group: string, extra: Record<string, unknown> = {}) => ({ id, category_group_id: group, name: `Category ${id}`, hidden: false, note: null, budgeted: 100_000, activity: -20_000, balance: 80_000, goal_type: null, deleted: false, ...extra });
  fake.put('budget-a', 'category_groups', { id: 'g1', name: 'Bills', hidden: false, deleted: false, categories: [category('c1', 'g1'), category('c2', 'g1', { deleted: true })] });
  fake.put('budget-a', 'category_groups', { id: 'g2', name: 'Fun', hidden: false, deleted: false, categories: [category('c3', 'g2')] });
  const ref = refFor(server, 'categories', { budget_id: 'budget-a' });
  const run = newRun(ref);
  const result = await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
  const records = (await recordsOf(harness.raw, run)).records as Record<string, unknown>[];
  assert.equal(records.map((r) => [r.id, r.category_group_name, r.deleted, r.budget_id]), [['c1', 'Bills', false, 'budget-a'], ['c2', 'Bills', true, 'budget-a'], ['c3', 'Fun', false, 'budget-a']]);
  assert.not.ok('categories' in (records[0] ?? {}));
  assert.equal(result.nextCursor, { server_knowledge: { 'budget-a': 5 } });
  assert.not.ok(server.requests.some((r) => r.path === '/v1/budgets'), 'budget_ids given: no budget listing');
});

ynab('budgets, accounts and payees', async ({ server, harness, ynab: fake }) => {
  fake.put('budget-b', 'accounts', { id: 'acc-1', name: 'Checking', type: 'checking', on_budget: true, closed: false, balance: 1_234_560, cleared_balance: 1_234_560, uncleared_balance: 0, transfer_payee_id: 'p-x', deleted: false });
  fake.put('budget-b', 'payees', { id: 'payee-1', name: 'Grocer', transfer_account_id: null, deleted: false });
  const budgetsRef = refFor(server, 'budgets');
  const budgetsRun = newRun(budgetsRef);
  const budgets = await connector.extract({ ref: budgetsRef, run: budgetsRun, deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(budgets.records, 2);
  assert.is(budgets.nextCursor, undefined);
  assert.equal(((await recordsOf(harness.raw, budgetsRun)).records as { name: string }[]).map((b) => b.name), ['Household', 'Business']);
  for (const [dataset, id] of [['accounts', 'acc-1'], ['payees', 'payee-1']] as const) {
    const ref = refFor(server, dataset, { budget_ids: ['budget-b'] });
    const run = newRun(ref);
    await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.equal(((await recordsOf(harness.raw, run)).records as { id: string }[]).map((r) => r.id), [id]);
  }
});

ynab('an amount that is not whole milliunits is a ValidationError naming the URL and field; nothing is written for that budget', async (context) => {
  const { server, harness, ynab: fake } = context;
  fake.put('budget-b', 'transactions', transaction('t-bad', 12.5));
  const ref = refFor(server, 'transactions');
  const run = newRun(ref);
  try {
    await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
    assert.unreachable('fractional milliunits');
  } catch (error) {
    assert.instance(error, ValidationError);
    assert.match((error as Error).message, 'dataset ynab.transactions');
    assert.match((error as Error).message, `${server.url}/v1/budgets/budget-b/transactions`);
    assert.match((error as Error).message, 'data.transactions[1].amount must be an integer number of milliunits');
  }
  assert.equal((await recordsOf(harness.raw, run)).parts, [0], 'budget-a was written, budget-b was not');
});

ynab('a 429 from YNAB (rate limit, no Retry-After) backs off and continues', async (context) => {
  const { server, harness } = context;
  context.override = (index) => (index === 1 ? { status: 429, body: { error: { id: '429', name: 'too_many_requests', detail: 'Too many requests' } } } : undefined);
  const ref = refFor(server, 'transactions');
  const result = await connector.extract({ ref, run: newRun(ref), deadline: harness.clock.now() + 60_000 }, harness.context);
  assert.is(result.records, 3);
  assert.equal(harness.clock.sleeps, [1000]);
});

ynab('stopping between budgets and resuming yields the records of one uninterrupted run; the checkpoint keeps the 200/hour budget', async (context) => {
  const { server, harness } = context;
  const ref = refFor(server, 'transactions');
  const whole = newRun(ref);
  const uninterrupted = await connector.extract({ ref, run: whole, deadline: harness.clock.now() + 60_000 }, harness.context);
  context.msPerRequest = 3000;
  const chunked = newRun(ref);
  const { results, last } = await extractInChunks(connector as unknown as Connector<unknown, unknown, unknown>, harness, ref, chunked, 5000);
  assert.ok(results.length >= 3);
  assert.equal(((results[0]?.checkpoint ?? {}) as { budget?: number[] }).budget?.length, 1, 'requests spent are carried in the checkpoint');
  assert.equal(await recordsOf(harness.raw, chunked).then((r) => r.records), await recordsOf(harness.raw, whole).then((r) => r.records));
  assert.equal(last.nextCursor, uninterrupted.nextCursor);
});

ynab('a dataset whose name is no YNAB endpoint needs extract.resource', ({ server }) => {
  try {
    connector.parseSettings(refFor(server, 'spending'));
    assert.unreachable('unknown endpoint');
  } catch (error) {
    assert.instance(error, ConfigError);
    assert.match((error as Error).message, 'dataset `ynab.spending` extract.resource');
  }
  assert.is(connector.endpointOf(refFor(server, 'spending', {}, { resource: 'transactions' }), { resource: 'transactions' }), 'transactions');
});

ynab.run();
