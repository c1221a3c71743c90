import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { sql } from '#platform/db/sql.ts';
import { createLogger } from '#platform/log.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { createFunctionResources, type FunctionResources } from '#platform/function/createFunctionResources.ts';
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { startScheduledRuns } from '#pipeline/startScheduledRuns.ts';
import type { StepRunner } from '#pipeline/steps.ts';
import { decodeSuperjson, encodeSuperjson } from '#platform/function/superjsonBody.ts';
import { callHandler } from '#support/callHandler.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { startHttpRecorder } from '#support/httpRecorder.ts';

const log = createLogger({ level: 'error', fields: {}, sink: () => undefined });
const handlers = suite<{ db: TestDatabase; resources: FunctionResources }>('createStepHandler');

handlers.before(async (context) => {
  context.db = await createTestDatabase();
  context.resources = createFunctionResources({ databaseUrl: context.db.url });
  await insertActiveRun(context.db.pool, { runId: 'h1', kind: 'dataset', source: 'bank', dataset: 'statements', load: 'full', trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
});

handlers.after(async ({ db, resources }) => {
  await resources.close();
  await db.drop();
});

const echoRunner: StepRunner<FunctionResources> = async ({ request }) => ({ status: 'continue', checkpoint: { next: (request.checkpoint as { next: bigint } | undefined)?.next ?? 1n }, counts: { read: 2 } });

handlers('a superjson step request runs the step; the answer is a superjson StepResult', async ({ resources }) => {
  const handler = createStepHandler({ functionName: 'silver', step: 'silver', runner: echoRunner, resources, log });
  const answer = await callHandler(handler, { body: encodeSuperjson({ runId: 'h1', source: 'bank', dataset: 'statements', chunk: 0, checkpoint: { next: 41n } }) });
  assert.is(answer.status, 200);
  const result = decodeSuperjson(answer.value) as { status: string; checkpoint: { next: bigint }; counts: { read: number }; step: string; replayed: boolean };
  assert.is(result.step, 'silver');
  assert.is(result.status, 'continue');
  assert.is(result.checkpoint.next, 41n);
  assert.is(result.counts.read, 2);
  assert.is(result.replayed, false);
});

handlers('plain JSON works too, and a repeat of the same chunk is replayed', async ({ resources }) => {
  const handler = createStepHandler({ functionName: 'silver', step: 'silver', runner: echoRunner, resources, log });
  const answer = await callHandler(handler, { body: { runId: 'h1', source: 'bank', dataset: 'statements', chunk: 0 } });
  assert.is(answer.status, 200);
  assert.is((decodeSuperjson(answer.value) as { replayed: boolean }).replayed, true);
});

handlers('a malformed request is a 400 naming each bad field; the wrong route is 404, the wrong method 405', async ({ resources }) => {
  const handler = createStepHandler({ functionName: 'bronze', step: 'bronze', runner: echoRunner, resources, log });
  const bad = await callHandler(handler, { body: { runId: 'h 1', source: 'bank', chunk: -1 } });
  assert.is(bad.status, 400);
  const message = (bad.value as { error: { message: string } }).error.message;
  assert.match(message, /runId/);
  assert.match(message, /dataset/);
  assert.match(message, /chunk/);
  assert.is((await callHandler(handler, { body: undefined })).status, 400);
  const misrouted = await callHandler(handler, { body: { runId: 'h1', source: 'bank', dataset: 'statements', step: 'silver' } });
  assert.is(misrouted.status, 400);
  assert.is((misrouted.value as { error: { code: string } }).error.code, 'step.wrong_function');
  assert.is((await callHandler(handler, { path: '/other', body: {} })).status, 404);
  assert.is((await callHandler(handler, { method: 'GET' })).status, 405);
});

handlers('a cron-connector call on a connector asks the orchestrator (through the gateway) to start its runs', async ({ resources }) => {
  const gateway = await startHttpRecorder(202);
  try {
    const handler = createStepHandler({ functionName: 'files', step: 'extract', runner: echoRunner, resources, log, onSchedule: () => startScheduledRuns({ connector: 'files', gatewayUrl: gateway.url }) });
    const answer = await callHandler(handler, { headers: { 'x-connector': 'cron-connector', 'x-topic': 'cron-function' } });
    assert.is(answer.status, 202, "the orchestrator's status is passed back");
    const forwarded = await gateway.next();
    assert.is(forwarded.method, 'POST');
    assert.is(forwarded.url, '/function/orchestrator/runs');
    assert.equal(JSON.parse(forwarded.body.toString()), { connector: 'files', trigger: 'schedule' });
  } finally {
    await gateway.close();
  }
});

handlers('a cron call to a step without a schedule is refused; an unreachable gateway is a 503', async ({ resources }) => {
  const layer = createStepHandler({ functionName: 'gold', step: 'gold', runner: echoRunner, resources, log });
  const refused = await callHandler(layer, { headers: { 'x-connector': 'cron-connector' } });
  assert.is(refused.status, 400);
  assert.is((refused.value as { error: { code: string } }).error.code, 'step.schedule_unsupported');
  const connector = createStepHandler({ functionName: 'rest', step: 'extract', runner: echoRunner, resources, log, onSchedule: () => startScheduledRuns({ connector: 'rest', gatewayUrl: 'http://127.0.0.1:9', timeoutMs: 2000 }) });
  const unreachable = await callHandler(connector, { headers: { 'x-connector': 'cron-connector' } });
  assert.is(unreachable.status, 503);
  assert.is((unreachable.value as { error: { code: string } }).error.code, 'gateway.unreachable');
});

handlers.run();
