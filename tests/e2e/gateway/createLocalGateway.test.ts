/**
 * The local gateway end to end: real HTTP in, one real process per function (the template's
 * entrypoint), real callbacks out to a recording server, schedules fired by the gateway's own scheduler.
 */
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';
import type { ScheduleDriver } from '#tools/gateway/createScheduleDriver.ts';
import { createLocalGateway, type LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import type { Schedule } from '#platform/cron/parseSchedule.ts';
import { startHttpRecorder, type HttpRecorder } from '#support/httpRecorder.ts';

const STACK = path.join(projectRoot, 'tests', 'e2e', 'fixtures', 'gateway', 'stack.yml');
const credentials = { user: 'admin', password: 'fixture-password-5f2c' };
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

type Context = { gateway: LocalGateway; receiver: HttpRecorder; fired: Array<{ spec: Schedule; fire: () => void }>; lines: string[] };
const gateway = suite<Context>('local gateway');

gateway.before(async (context) => {
  context.fired = [];
  context.lines = [];
  const manual: ScheduleDriver = {
    schedule: (spec, fire) => {
      context.fired.push({ spec, fire });
      return { cancel: () => undefined };
    },
  };
  context.receiver = await startHttpRecorder();
  context.gateway = await createLocalGateway({ stackFile: STACK, checkBuild: false, port: 0, credentials, scheduleDriver: manual, output: (_name, line) => context.lines.push(line) });
});

gateway.after(async ({ gateway: running, receiver }) => {
  await running.close();
  await receiver.close();
});

gateway('GET /healthz answers 200 without credentials', async ({ gateway: g }) => {
  const response = await fetch(`${g.url}/healthz`);
  assert.is(response.status, 200);
});

gateway('a sync call reaches the handler with the node18 event: method, path after the name, query, parsed JSON body', async ({ gateway: g }) => {
  const response = await fetch(`${g.url}/function/echo/some/path?x=1&x=2&y=z`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 12.5 }) });
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const echoed = (await response.json()) as Record<string, unknown>;
  assert.is(echoed.method, 'PUT');
  assert.is(echoed.path, '/some/path');
  assert.equal(echoed.query, { x: ['1', '2'], y: 'z' });
  assert.equal(echoed.body, { amount: 12.5 });
  assert.is(echoed.callId, response.headers.get('x-call-id'), 'the function sees the call id the gateway answers with');
});

gateway('status and headers set through the context reach the caller', async ({ gateway: g }) => {
  const response = await fetch(`${g.url}/function/echo/created`, { method: 'POST' });
  assert.is(response.status, 201);
  assert.is(response.headers.get('x-fixture'), 'yes');
  assert.equal(await response.json(), { created: true });
});

gateway('a platform error keeps its status and code; an unknown error is a 500 that shows no internals', async ({ gateway: g }) => {
  const missing = await fetch(`${g.url}/function/echo/missing`);
  assert.is(missing.status, 404);
  const missingBody = (await missing.json()) as { error: { code: string; message: string } };
  assert.is(missingBody.error.code, 'fixture.not_found');
  assert.match(missingBody.error.message, /nothing at \/missing/);

  const boom = await fetch(`${g.url}/function/echo/boom`);
  assert.is(boom.status, 500);
  const text = await boom.text();
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  assert.is(body.error.code, 'internal');
  assert.not.match(text, /hunter2|secret\.ts|internal detail/);

  const refused = await fetch(`${g.url}/function/echo/fail`, { method: 'POST' });
  assert.is(refused.status, 422);
  assert.equal(((await refused.json()) as { error: { code: string; message: string } }).error, { code: 'function.failed', message: 'the fixture refuses this input', retryable: false });
});

gateway('an unknown function is a 404 from the gateway', async ({ gateway: g }) => {
  const response = await fetch(`${g.url}/function/nope`);
  assert.is(response.status, 404);
  assert.match(await response.text(), /error finding function nope/);
});

gateway('an async call answers 202 with X-Call-Id, then posts the function result to X-Callback-Url once', async ({ gateway: g, receiver }) => {
  const response = await fetch(`${g.url}/async-function/echo/wait?ms=20&label=first`, { method: 'POST', headers: { 'X-Callback-Url': `${receiver.url}/done?run=r1&step=bronze&chunk=0` } });
  assert.is(response.status, 202);
  const callId = response.headers.get('x-call-id');
  assert.ok(callId !== null && callId.length > 0);
  const callback = await receiver.next();
  assert.is(callback.method, 'POST');
  assert.is(callback.url, '/done?run=r1&step=bronze&chunk=0');
  assert.is(callback.headers['x-function-status'], '200');
  assert.is(callback.headers['x-function-name'], 'echo');
  assert.is(callback.headers['x-call-id'], callId);
  assert.ok(Number(callback.headers['x-duration-seconds']) >= 0, 'X-Duration-Seconds is a number of seconds');
  assert.match(String(callback.headers['content-type']), /^application\/json/);
  assert.is((JSON.parse(callback.body.toString()) as { label: string }).label, 'first');
  await g.idle();
  assert.is(receiver.requests.length, 1, 'exactly one callback');
});

gateway('an async call that fails reports the status and error body in the callback', async ({ gateway: g, receiver }) => {
  await fetch(`${g.url}/async-function/echo/missing`, { method: 'POST', headers: { 'X-Callback-Url': `${receiver.url}/done` } });
  const callback = await receiver.next();
  assert.is(callback.headers['x-function-status'], '404');
  assert.is((JSON.parse(callback.body.toString()) as { error: { code: string } }).error.code, 'fixture.not_found');
});

gateway('async calls run one at a time, in arrival order (the CE queue-worker default)', async ({ gateway: g, receiver }) => {
  for (const label of ['a', 'b', 'c']) {
    const response = await fetch(`${g.url}/async-function/echo/wait?ms=150&label=${label}`, { method: 'POST', headers: { 'X-Callback-Url': `${receiver.url}/done` } });
    assert.is(response.status, 202);
  }
  const results = [];
  for (let index = 0; index < 3; index += 1) {
    results.push(JSON.parse((await receiver.next()).body.toString()) as { label: string; started: number; finished: number });
  }
  assert.equal(results.map((result) => result.label), ['a', 'b', 'c']);
  assert.ok(results[1]!.started >= results[0]!.finished, 'b started after a finished');
  assert.ok(results[2]!.started >= results[1]!.finished, 'c started after b finished');
});

gateway('an async body over 1 MB is refused with 413, as NATS would refuse it on faasd', async ({ gateway: g }) => {
  const response = await fetch(`${g.url}/async-function/echo`, { method: 'POST', body: Buffer.alloc(1024 * 1024 + 1, 120) });
  assert.is(response.status, 413);
});

gateway('a function runs with the Node options of its fprocess, as of-watchdog runs it in the container', async ({ gateway: g }) => {
  const response = await fetch(`${g.url}/function/echo/process`);
  assert.is(response.status, 200);
  assert.equal(((await response.json()) as { execArgv: string[] }).execArgv, ['--stack-trace-limit=7']);
});

gateway('/system routes need basic auth; with it, /system/functions lists names and annotations', async ({ gateway: g }) => {
  const anonymous = await fetch(`${g.url}/system/functions`);
  assert.is(anonymous.status, 401);
  assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Basic/);
  const wrong = await fetch(`${g.url}/system/functions`, { headers: { authorization: basic('admin', 'not-it') } });
  assert.is(wrong.status, 401);
  const listed = await fetch(`${g.url}/system/functions`, { headers: { authorization: basic(credentials.user, credentials.password) } });
  assert.is(listed.status, 200);
  const functions = (await listed.json()) as Array<{ name: string; annotations: Record<string, string>; labels: Record<string, string>; invocationCount: number }>;
  assert.equal(functions.map((fn) => fn.name).sort(), ['echo', 'recorder']);
  assert.equal(functions.find((fn) => fn.name === 'recorder')!.annotations, { topic: 'cron-function', schedule: '@every 1s' });
  assert.equal(functions.find((fn) => fn.name === 'echo')!.labels, { purpose: 'test' });
  assert.ok(functions.find((fn) => fn.name === 'echo')!.invocationCount > 0);
});

gateway('a schedule annotation fires the function with the cron-connector request: empty POST to /, X-Connector and X-Topic', async ({ gateway: g, fired }) => {
  assert.is(fired.length, 1, 'only the annotated function is scheduled');
  assert.equal(fired[0]!.spec, { kind: 'every', text: '@every 1s', intervalMs: 1000 });
  fired[0]!.fire();
  let requests: Array<{ method: string; path: string; headers: Record<string, string>; bodyBytes: number }> = [];
  for (let attempt = 0; attempt < 100 && requests.length === 0; attempt += 1) {
    requests = (await (await fetch(`${g.url}/function/recorder/requests`)).json()) as typeof requests;
    if (requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.is(requests.length, 1);
  const [request] = requests;
  assert.is(request!.method, 'POST');
  assert.is(request!.path, '/');
  assert.is(request!.bodyBytes, 0);
  assert.is(request!.headers['x-connector'], 'cron-connector');
  assert.is(request!.headers['x-topic'], 'cron-function');
});

gateway('past its exec_timeout a call is cut as of-watchdog cuts it: 504, empty body, the watchdog header; the process runs on', async ({ gateway: g, receiver }) => {
  // echo's exec_timeout is 5 s; X-Timeout shortens it for one call, as the watchdog allows.
  const cut = await fetch(`${g.url}/function/echo/wait?ms=1500&label=cut`, { headers: { 'X-Timeout': '300ms' } });
  assert.is(cut.status, 504);
  assert.is(await cut.text(), '');
  assert.is(cut.headers.get('x-openfaas-internal'), 'of-watchdog');
  assert.ok(Number(cut.headers.get('x-duration-seconds')) >= 0.3);
  const alive = await fetch(`${g.url}/function/echo/wait?ms=10&label=after`);
  assert.is(alive.status, 200, 'the watchdog does not stop the function process');
  assert.is(((await alive.json()) as { label: string }).label, 'after');

  await fetch(`${g.url}/async-function/echo/wait?ms=1500`, { method: 'POST', headers: { 'X-Timeout': '300ms', 'X-Callback-Url': `${receiver.url}/cut` } });
  const callback = await receiver.next();
  assert.is(callback.headers['x-function-status'], '504', 'an async call that is cut reports 504 to its callback');
  assert.is(callback.body.length, 0);
  await g.idle();
});

gateway.run();

const scheduled = suite<{ gateway: LocalGateway }>('local gateway with its own scheduler');

scheduled.before(async (context) => {
  context.gateway = await createLocalGateway({ stackFile: STACK, checkBuild: false, port: 0, credentials, only: ['recorder'], output: () => undefined });
});

scheduled.after(async ({ gateway: running }) => {
  await running.close();
});

scheduled('an @every 1s schedule fires on its own with the cron-connector headers', async ({ gateway: g }) => {
  let requests: Array<{ method: string; headers: Record<string, string>; bodyBytes: number }> = [];
  for (let attempt = 0; attempt < 150 && requests.length === 0; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    requests = (await (await fetch(`${g.url}/function/recorder/requests`)).json()) as typeof requests;
  }
  assert.ok(requests.length >= 1, 'the schedule fired');
  assert.is(requests[0]!.method, 'POST');
  assert.is(requests[0]!.bodyBytes, 0);
  assert.is(requests[0]!.headers['x-connector'], 'cron-connector');
  assert.is(requests[0]!.headers['x-topic'], 'cron-function');
});

scheduled.run();
