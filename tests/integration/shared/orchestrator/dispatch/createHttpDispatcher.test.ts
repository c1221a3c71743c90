/** The HTTP dispatcher against a real server standing in for the gateway's /async-function route. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { callbackUrlFor, createHttpDispatcher } from '#orchestrator/dispatch/createHttpDispatcher.ts';
import type { DispatchOrder } from '#orchestrator/dispatch/dispatcher.ts';
import { decodeSuperjson } from '#platform/function/superjsonBody.ts';
import { startTestServer } from '#support/httpServer.ts';

const test = suite('createHttpDispatcher');

const order: DispatchOrder = {
  functionName: 'files',
  request: { runId: 'r-1', source: 'bank', dataset: 'accounts', step: 'extract', chunk: 2, attempt: 3, checkpoint: { since: new Date('2026-05-04T06:00:00Z'), seen: 12n }, deadlineMs: 40_000 },
  target: { runId: 'r-1', step: 'extract', chunk: 2, attempt: 3 },
};

test('posts the superjson step request to /async-function/<function> with the callback URL, and returns the call id', async () => {
  const gateway = await startTestServer(() => ({ status: 202, headers: { 'x-call-id': 'c-42' } }));
  try {
    const dispatcher = createHttpDispatcher({ gatewayUrl: `${gateway.url}/`, callbackBaseUrl: 'http://gateway:8080' });
    assert.equal(await dispatcher.dispatch(order), { callId: 'c-42' });
    const [request] = gateway.requests;
    assert.equal([request?.method, request?.path], ['POST', '/async-function/files']);
    assert.is(request?.headers['x-callback-url'], 'http://gateway:8080/function/orchestrator/callback?run=r-1&step=extract&chunk=2&attempt=3');
    assert.equal(decodeSuperjson(request?.body), order.request, 'dates and bigints survive');
  } finally {
    await gateway.close();
  }
});

test('a function the gateway does not have is dispatch.function_not_found (final); a 5xx is dispatch.refused (retryable); a 413 is final', async () => {
  for (const [status, code, retryable] of [[404, 'dispatch.function_not_found', false], [502, 'dispatch.refused', true], [413, 'dispatch.refused', false]] as const) {
    const gateway = await startTestServer(() => ({ status, body: 'nope' }));
    try {
      await createHttpDispatcher({ gatewayUrl: gateway.url, callbackBaseUrl: gateway.url }).dispatch(order);
      assert.unreachable();
    } catch (error) {
      assert.equal([(error as { code: string }).code, (error as { retryable: boolean }).retryable], [code, retryable], `status ${status}`);
    }
    finally {
      await gateway.close();
    }
  }
});

test('an unreachable gateway is a retryable dispatch.unreachable naming DP_GATEWAY_URL', async () => {
  const gateway = await startTestServer(() => ({ drop: true }));
  try {
    await createHttpDispatcher({ gatewayUrl: gateway.url, callbackBaseUrl: gateway.url }).dispatch(order);
    assert.unreachable();
  } catch (error) {
    assert.is((error as { code: string }).code, 'dispatch.unreachable');
    assert.is((error as { retryable: boolean }).retryable, true);
    assert.match((error as Error).message, /DP_GATEWAY_URL/);
  } finally {
    await gateway.close();
  }
});

test('callback URLs escape what they carry', () => {
  assert.is(callbackUrlFor('http://gw/', { runId: 'a.b-c', step: 'gold', chunk: 0, attempt: 1 }), 'http://gw/function/orchestrator/callback?run=a.b-c&step=gold&chunk=0&attempt=1');
});

test.run();
