import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createOrchestratorHandler } from '#orchestrator/api/createOrchestratorHandler.ts';
import type { OrchestratorApi } from '#orchestrator/api/orchestratorApi.ts';
import { PlatformError } from '#platform/errors.ts';
import { encodeSuperjson } from '#platform/function/superjsonBody.ts';
import { callHandler } from '#support/callHandler.ts';

type Call = { method: string; argument: unknown };

/** An orchestrator that records what the routes hand it and answers 200 with a bigint (to check plain-JSON encoding). */
function recordingOrchestrator(calls: Call[]): OrchestratorApi {
  const record = (method: string) => async (argument?: unknown) => {
    calls.push({ method, argument });
    return { status: method === 'startRuns' ? 202 : 200, body: { method, rows: 5n, at: new Date('2026-01-02T03:04:05Z') } };
  };
  return {
    startRuns: record('startRuns'),
    listRuns: record('listRuns'),
    getRun: record('getRun'),
    cancelRun: record('cancelRun'),
    getRunLogs: (runId, query) => record('getRunLogs')({ runId, query }),
    handleCallback: record('handleCallback'),
    handleWebhook: record('handleWebhook'),
    tick: record('tick'),
    status: record('status'),
  };
}

test('each route reaches its method with the parsed request; the reply is plain JSON (bigint and Date as strings)', async () => {
  const calls: Call[] = [];
  const handler = createOrchestratorHandler(recordingOrchestrator(calls));
  const started = await callHandler(handler, { method: 'POST', path: '/runs', body: { source: 'ynab', dataset: 'transactions', full: true } });
  assert.is(started.status, 202);
  assert.equal(started.value, { method: 'startRuns', rows: '5', at: '2026-01-02T03:04:05.000Z' });
  await callHandler(handler, { method: 'POST', path: '/runs', body: { connector: 'files' } });
  await callHandler(handler, { method: 'GET', path: '/runs', query: { source: 'ynab', limit: '10' } });
  await callHandler(handler, { method: 'GET', path: '/runs/run-42' });
  await callHandler(handler, { method: 'GET', path: '/runs/run-42/logs', query: { step: 'silver' } });
  await callHandler(handler, { method: 'POST', path: '/tick' });
  await callHandler(handler, { method: 'GET', path: '/status' });
  await callHandler(handler, { method: 'POST', path: '/webhooks/ynab', headers: { 'x-signature': 'sha256=ab' }, rawBody: Buffer.from('{"a":1}'), body: { a: 1 } });
  assert.equal(
    calls.map((call) => [call.method, call.argument]),
    [
      ['startRuns', { source: 'ynab', dataset: 'transactions', full: true, trigger: 'manual' }],
      ['startRuns', { connector: 'files', full: false, trigger: 'schedule' }],
      ['listRuns', { source: 'ynab', limit: 10 }],
      ['getRun', 'run-42'],
      ['getRunLogs', { runId: 'run-42', query: { step: 'silver', limit: 2000 } }],
      ['tick', { trigger: 'manual' }],
      ['status', undefined],
      ['handleWebhook', { source: 'ynab', headers: { 'x-signature': 'sha256=ab' }, rawBody: Buffer.from('{"a":1}') }],
    ],
  );
});

test('a cron-connector call (empty POST to / with X-Connector) is the scheduled reconcile tick', async () => {
  const calls: Call[] = [];
  const answer = await callHandler(createOrchestratorHandler(recordingOrchestrator(calls)), { method: 'POST', path: '/', headers: { 'x-connector': 'cron-connector', 'x-topic': 'cron-function' } });
  assert.is(answer.status, 200);
  assert.equal(calls, [{ method: 'tick', argument: { trigger: 'schedule' } }]);
});

test('a bad start request is a 400 naming the field and the expected shape; nothing is called', async () => {
  const calls: Call[] = [];
  const handler = createOrchestratorHandler(recordingOrchestrator(calls));
  const answer = await callHandler(handler, { method: 'POST', path: '/runs', body: { source: 'Not A Name' } });
  assert.is(answer.status, 400);
  const error = (answer.value as { error: { code: string; message: string } }).error;
  assert.is(error.code, 'request.invalid');
  assert.match(error.message, /source: must match/);
  assert.match(error.message, /"connector"/);
  const bad = await callHandler(handler, { method: 'POST', path: '/runs', body: { connector: 'files', extra: 1 } });
  assert.is(bad.status, 400);
  assert.is(calls.length, 0);
});

test('unknown routes are 404 listing the routes; a known path with the wrong method is 405', async () => {
  const handler = createOrchestratorHandler(recordingOrchestrator([]));
  const missing = await callHandler(handler, { method: 'GET', path: '/nope' });
  assert.is(missing.status, 404);
  assert.match((missing.value as { error: { message: string } }).error.message, /POST \/runs/);
  const wrongMethod = await callHandler(handler, { method: 'DELETE', path: '/runs' });
  assert.is(wrongMethod.status, 405);
});

test('a callback is parsed from the queue-worker headers, the URL target and a superjson StepResult body', async () => {
  const calls: Call[] = [];
  const handler = createOrchestratorHandler(recordingOrchestrator(calls));
  const result = { runId: 'r1', step: 'bronze', chunk: 2, status: 'continue', checkpoint: { after: 10n }, counts: { read: 3, inserted: 3, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0 }, detail: {}, replayed: false, durationMs: 40 };
  const raw = Buffer.from(JSON.stringify(encodeSuperjson(result)));
  await callHandler(handler, {
    method: 'POST',
    path: '/callback',
    query: { run: 'r1', step: 'bronze', chunk: '2' },
    headers: { 'x-call-id': 'c-1', 'x-function-status': '200', 'x-function-name': 'bronze', 'x-duration-seconds': '0.040000' },
    rawBody: raw,
  });
  const callback = calls[0]!.argument as Record<string, unknown>;
  assert.is(callback.callId, 'c-1');
  assert.is(callback.functionStatus, 200);
  assert.is(callback.durationSeconds, 0.04);
  assert.equal(callback.target, { runId: 'r1', step: 'bronze', chunk: 2 });
  assert.equal((callback.result as { checkpoint: unknown }).checkpoint, { after: 10n });
  assert.is(callback.error, undefined);
});

test('a failed step callback carries its error; an unexpected body is kept as text instead of failing the callback', async () => {
  const calls: Call[] = [];
  const handler = createOrchestratorHandler(recordingOrchestrator(calls));
  await callHandler(handler, { method: 'POST', path: '/callback', headers: { 'x-call-id': 'c-2', 'x-function-status': '501' }, rawBody: Buffer.from('{"error":{"code":"step.unavailable","message":"no","retryable":false}}') });
  await callHandler(handler, { method: 'POST', path: '/callback', headers: { 'x-call-id': 'c-3', 'x-function-status': '502' }, rawBody: Buffer.from('upstream went away') });
  const failed = calls[0]!.argument as Record<string, unknown>;
  assert.equal(failed.error, { code: 'step.unavailable', message: 'no', retryable: false });
  assert.is(failed.target, undefined);
  const odd = calls[1]!.argument as Record<string, unknown>;
  assert.is(odd.unparsed, 'upstream went away');
  const noHeaders = await callHandler(handler, { method: 'POST', path: '/callback', rawBody: Buffer.from('{}') });
  assert.is(noHeaders.status, 400, 'a callback without the queue-worker headers is refused');
});

test('an error the orchestrator throws answers its own status and stable code on every route', async () => {
  const failing = (what: string) => async (): Promise<never> => {
    throw new PlatformError('orchestrator.test_refused', `The orchestrator refused to ${what}.`, { status: 501, context: { operation: what } });
  };
  const handler = createOrchestratorHandler({
    startRuns: failing('start runs'),
    listRuns: failing('list runs'),
    getRun: failing('show a run'),
    cancelRun: failing('cancel a run'),
    getRunLogs: failing('show the logs of a run'),
    handleCallback: failing('take step callbacks'),
    handleWebhook: failing('take webhooks'),
    tick: failing('reconcile'),
    status: failing('report status'),
  });
  for (const [method, path, body] of [['GET', '/status'], ['POST', '/runs', { source: 'ynab' }], ['POST', '/tick'], ['GET', '/runs']] as const) {
    const answer = await callHandler(handler, { method, path, body });
    assert.is(answer.status, 501, `${method} ${path}`);
    assert.is((answer.value as { error: { code: string } }).error.code, 'orchestrator.test_refused');
  }
});

test.run();
