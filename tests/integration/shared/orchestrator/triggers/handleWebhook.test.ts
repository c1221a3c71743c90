/** Webhooks: only a body signed with the source's shared secret starts runs; anything else starts nothing. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { signWebhookBody } from '#orchestrator/triggers/verifyWebhookSignature.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { createHarness, syncFixtureMetadata, type Harness } from '#support/orchestratorHarness.ts';
import { FIXTURE_METADATA } from '../fixtureMetadata.ts';

type Context = { db: TestDatabase; h: Harness };
const test = suite<Context>('orchestrator handleWebhook');
const SECRET = 'whsec-7f3a91c2e4b5d6a8';
const body = Buffer.from(JSON.stringify({ action: 'created', order: { id: 7 } }));

test.before(async (context) => {
  context.db = await createTestDatabase();
  await syncFixtureMetadata(context.db.pool, { ...FIXTURE_METADATA, 'plain.yml': 'source: plain\nconnector: files\ndatasets:\n  - { name: items, load: full, key: [id], columns: [{ name: id, type: bigint }] }\n' });
});

test.before.each(async (context) => {
  await context.db.pool.query(sql.unsafe`TRUNCATE platform.runs, platform.webhook_deliveries CASCADE`);
  context.h = createHarness(context.db.pool, { secrets: { 'shop-webhook': SECRET } });
});

test.after(async ({ db }) => {
  await db.drop();
});

const runCount = (db: TestDatabase) => db.pool.oneFirst(sql.type(z.object({ n: z.bigint() }))`SELECT count(*) AS n FROM platform.runs`);

async function refused(promise: Promise<unknown>): Promise<{ code: string; status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; status: number; message: string };
  }
  throw new Error('the webhook was accepted');
}

test('an unsigned webhook is 401 webhook.unsigned and starts nothing', async ({ db, h }) => {
  const error = await refused(h.orchestrator.handleWebhook({ source: 'shop', headers: {}, rawBody: body }));
  assert.equal([error.code, error.status], ['webhook.unsigned', 401]);
  assert.is(await runCount(db), 0n);
  assert.equal(h.dispatcher.take(), []);
});

test('a webhook signed with another secret, or whose body was altered, is 401 webhook.bad_signature and starts nothing', async ({ db, h }) => {
  const wrongKey = await refused(h.orchestrator.handleWebhook({ source: 'shop', headers: { 'x-hub-signature-256': signWebhookBody(body, 'not-the-secret') }, rawBody: body }));
  assert.equal([wrongKey.code, wrongKey.status], ['webhook.bad_signature', 401]);
  const altered = Buffer.from(body.toString().replace('7', '8'));
  const tampered = await refused(h.orchestrator.handleWebhook({ source: 'shop', headers: { 'x-hub-signature-256': signWebhookBody(body, SECRET) }, rawBody: altered }));
  assert.is(tampered.code, 'webhook.bad_signature');
  assert.not.match(tampered.message, new RegExp(SECRET));
  assert.is(await runCount(db), 0n);
  assert.equal(h.dispatcher.take(), []);
});

test("a correctly signed webhook starts a run of each dataset that takes webhooks, with its own load", async ({ db, h }) => {
  const reply = await h.orchestrator.handleWebhook({ source: 'shop', headers: { 'x-hub-signature-256': signWebhookBody(body, SECRET), 'x-github-delivery': 'd-123', 'x-github-event': 'push' }, rawBody: body });
  assert.is(reply.status, 202);
  const runs = await db.pool.any(sql.type(z.object({ dataset: z.string(), load: z.string(), trigger_kind: z.string(), trigger_detail: z.record(z.string(), z.unknown()) }))`
    SELECT dataset, load, trigger_kind, trigger_detail FROM platform.runs ORDER BY dataset`);
  assert.equal(runs, [
    { dataset: 'customers', load: 'delta', trigger_kind: 'webhook', trigger_detail: { delivery: 'd-123', event: 'push' } },
    { dataset: 'orders', load: 'full', trigger_kind: 'webhook', trigger_detail: { delivery: 'd-123', event: 'push' } },
  ], 'returns has trigger.webhook: false');
  assert.equal(h.dispatcher.take().map((order) => order.request.dataset).sort(), ['customers', 'orders']);
});

test('a source without webhook_secret refuses webhooks (403); an unknown source is 404; a missing secret is a configuration error', async ({ db, h }) => {
  const plain = await refused(h.orchestrator.handleWebhook({ source: 'plain', headers: {}, rawBody: body }));
  assert.equal([plain.code, plain.status], ['webhook.not_configured', 403]);
  assert.match(plain.message, /set `webhook_secret`/);
  const unknown = await refused(h.orchestrator.handleWebhook({ source: 'shopp', headers: {}, rawBody: body }));
  assert.equal([unknown.code, unknown.status], ['webhook.unknown_source', 404]);
  const { orchestrator } = createHarness(db.pool, { secrets: {} });
  const missing = await refused(orchestrator.handleWebhook({ source: 'shop', headers: { 'x-hub-signature-256': signWebhookBody(body, SECRET) }, rawBody: body }));
  assert.equal([missing.code, missing.status], ['webhook.secret_missing', 500]);
  assert.match(missing.message, /faas-cli secret create shop-webhook/);
  assert.is(await runCount(db), 0n);
});

test('a replayed delivery (same delivery id, or the same signed body without one) starts nothing within the window', async ({ db, h }) => {
  await db.pool.query(sql.unsafe`TRUNCATE platform.webhook_deliveries`);
  const signed = { 'x-hub-signature-256': signWebhookBody(body, SECRET) };
  const first = await h.orchestrator.handleWebhook({ source: 'shop', headers: { ...signed, 'x-github-delivery': 'd-777' }, rawBody: body });
  assert.is(first.status, 202);
  const started = await runCount(db);
  h.dispatcher.take();
  await db.pool.query(sql.unsafe`UPDATE platform.runs SET status = 'succeeded', finished_at = now()`);
  for (const headers of [{ ...signed, 'x-github-delivery': 'd-777' }, signed, { ...signed, 'x-github-delivery': 'd-778' }]) {
    const replay = await h.orchestrator.handleWebhook({ source: 'shop', headers, rawBody: body });
    assert.is(replay.status, 200, JSON.stringify(headers));
    assert.is((replay.body as { outcome: string }).outcome, 'duplicate');
  }
  assert.is(await runCount(db), started, 'a replay starts no run');
  assert.equal(h.dispatcher.take(), []);
  // another body is another delivery
  const other = Buffer.from(JSON.stringify({ action: 'created', order: { id: 8 } }));
  const next = await h.orchestrator.handleWebhook({ source: 'shop', headers: { 'x-hub-signature-256': signWebhookBody(other, SECRET), 'x-github-delivery': 'd-779' }, rawBody: other });
  assert.is(next.status, 202);
  // after the window the same delivery is taken again
  await db.pool.query(sql.unsafe`UPDATE platform.webhook_deliveries SET received_at = received_at - interval '2 days'`);
  await db.pool.query(sql.unsafe`UPDATE platform.runs SET status = 'succeeded', finished_at = now() WHERE status = 'running'`);
  const later = await h.orchestrator.handleWebhook({ source: 'shop', headers: { ...signed, 'x-github-delivery': 'd-777' }, rawBody: body });
  assert.is(later.status, 202);
});

test.run();
