/**
 * The real functions of stack.yml behind the local gateway, on a throwaway database: the same
 * handlers, template entrypoint and stack environment the images run (minus faasd's service names).
 */
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { createLocalGateway, type LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import { encodeSuperjson } from '#platform/function/superjsonBody.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { startHttpRecorder, type HttpRecorder } from '#support/httpRecorder.ts';

type Context = { db: TestDatabase; gateway: LocalGateway; receiver: HttpRecorder };
const functions = suite<Context>('stack.yml functions');

functions.before(async (context) => {
  context.db = await createTestDatabase();
  await insertActiveRun(context.db.pool, { runId: 'e2e-1', kind: 'dataset', source: 'demo', dataset: 'expenses', load: 'full', trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
  context.receiver = await startHttpRecorder();
  context.gateway = await createLocalGateway({
    stackFile: path.join(projectRoot, 'stack.yml'),
    only: ['orchestrator', 'bronze', 'files'],
    port: 0,
    credentials: { user: 'admin', password: 'e2e-password-81d0' },
    scheduleDriver: null,
    functionEnv: { DATABASE_URL: context.db.url },
    output: () => undefined,
  });
});

functions.after(async ({ db, gateway, receiver }) => {
  await gateway.close();
  await receiver.close();
  await db.drop();
});

const post = (url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

functions('a step request for a run that does not exist is a 404 run.not_found', async ({ gateway }) => {
  const response = await post(`${gateway.url}/function/bronze`, encodeSuperjson({ runId: 'nope', source: 'demo', dataset: 'expenses', chunk: 0 }));
  assert.is(response.status, 404);
  assert.is(((await response.json()) as { error: { code: string } }).error.code, 'run.not_found');
});

functions('a step for a dataset the catalog does not hold answers 404 metadata.dataset_not_found and records the failed chunk', async ({ gateway, db }) => {
  const response = await post(`${gateway.url}/function/bronze`, { runId: 'e2e-1', source: 'demo', dataset: 'expenses', chunk: 0 });
  assert.is(response.status, 404);
  assert.is(((await response.json()) as { error: { code: string } }).error.code, 'metadata.dataset_not_found');
  const row = await db.pool.one(sql.type(z.object({ status: z.string(), code: z.string() }))`
    SELECT status, error->>'code' AS code FROM platform.run_steps WHERE run_id = 'e2e-1' AND step = 'bronze' AND chunk = 0`);
  assert.equal(row, { status: 'failed', code: 'metadata.dataset_not_found' });
});

functions('a step dispatched asynchronously reports its status and error body to the callback URL', async ({ gateway, receiver }) => {
  const accepted = await post(`${gateway.url}/async-function/bronze`, { runId: 'nope', source: 'demo', dataset: 'expenses' }, { 'X-Callback-Url': `${receiver.url}/function/orchestrator/callback?run=nope&step=bronze&chunk=0` });
  assert.is(accepted.status, 202);
  const callback = await receiver.next();
  assert.is(callback.headers['x-function-status'], '404');
  assert.is(callback.headers['x-function-name'], 'bronze');
  assert.is(callback.headers['x-call-id'], accepted.headers.get('x-call-id'));
  assert.is((JSON.parse(callback.body.toString()) as { error: { code: string } }).error.code, 'run.not_found');
});

functions('the orchestrator routes and validates, and answers status from the database', async ({ gateway }) => {
  const invalid = await post(`${gateway.url}/function/orchestrator/runs`, { source: 'Demo!' });
  assert.is(invalid.status, 400);
  const status = await fetch(`${gateway.url}/function/orchestrator/status`);
  assert.is(status.status, 200);
  const body = (await status.json()) as { metadata: unknown; datasets: unknown[] };
  assert.equal([body.metadata, body.datasets], [null, []], 'no metadata synced into this database');
});

functions("a cron-connector call on files goes through the gateway to the orchestrator's POST /runs", async ({ gateway }) => {
  const response = await fetch(`${gateway.url}/function/files`, { method: 'POST', headers: { 'X-Connector': 'cron-connector', 'X-Topic': 'cron-function' } });
  assert.is(response.status, 404, "the orchestrator's answer comes back through files");
  const body = (await response.json()) as { error: { code: string; message: string } };
  assert.is(body.error.code, 'metadata.not_synced');
  assert.match(body.error.message, /dp metadata sync/);
});

functions.run();
