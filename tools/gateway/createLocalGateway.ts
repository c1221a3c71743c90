import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { getEnv, projectRoot, type Env } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';
import { createLogger, type Logger } from '#platform/log.ts';
import { CRON_HEADERS } from '#platform/function/isCronInvocation.ts';
import { checkBasicAuth } from '#platform/http/checkBasicAuth.ts';
import { createAsyncQueue } from './createAsyncQueue.ts';
import { createFunctionRegistry, type FunctionCall, type FunctionRegistry } from './createFunctionRegistry.ts';
import { createScheduleDriver, type ScheduleDriver, type ScheduledTrigger } from './createScheduleDriver.ts';
import { forwardableHeaders, type FunctionReply } from './invokeFunction.ts';
import { loadStack } from './loadStack.ts';
import { parseSchedule } from '#platform/cron/parseSchedule.ts';
import { postCallback } from './postCallback.ts';
import { BodyTooLargeError, readBody } from './readBody.ts';

/** NATS refuses messages over 1 MB, so faasd's gateway cannot queue a larger async body. */
export const ASYNC_BODY_LIMIT_BYTES = 1024 * 1024;

export type LocalGatewayOptions = {
  /** The stack file to serve. Default DP_STACK_FILE (stack.yml). */
  readonly stackFile?: string;
  /** Template folder. Default <projectRoot>/template. */
  readonly templateDir?: string;
  /** Check build-only rules of the stack too. Default true. */
  readonly checkBuild?: boolean;
  /** Serve only these functions. Default: all of the stack. */
  readonly only?: readonly string[];
  /** Port on 127.0.0.1; 0 picks a free one. Default DP_GATEWAY_PORT. */
  readonly port?: number;
  /** Basic-auth credentials of the /system routes. */
  readonly credentials: { readonly user: string; readonly password: string };
  /** Async invocations run at once. Default DP_GATEWAY_ASYNC_CONCURRENCY (1, as the CE queue-worker). */
  readonly asyncConcurrency?: number;
  /** Extra environment for every function (wins over stack.yml). */
  readonly functionEnv?: Readonly<Record<string, string>>;
  /** Fires the `schedule` annotations; pass `null` to fire none. Default: croner in UTC (createScheduleDriver). */
  readonly scheduleDriver?: ScheduleDriver | null;
  /** Clock in epoch milliseconds, for X-Duration-Seconds. Default Date.now. */
  readonly now?: () => number;
  readonly log?: Logger;
  /** Receives every line a function writes. Default: this process's stdout. */
  readonly output?: (name: string, line: string) => void;
  readonly env?: Env;
};

export type LocalGateway = {
  readonly url: string;
  readonly port: number;
  readonly functions: readonly string[];
  /** The process id of each running function. */
  readonly processIds: () => ReadonlyMap<string, number>;
  /** Resolves when no async invocation waits or runs (callbacks included). */
  readonly idle: () => Promise<void>;
  /** The pid of a function's process while it runs (fault-injection tests kill it). */
  readonly pidOf: (name: string) => number | undefined;
  readonly close: () => Promise<void>;
};

function sendText(response: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}

/**
 * Answers without reading the rest of the request body (unknown function, body too large), and closes the
 * connection once the answer is out: a client still sending must not make the gateway read, or keep, the rest.
 */
function refuse(request: http.IncomingMessage, response: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  response.once('finish', () => request.socket.destroy());
  sendText(response, status, text, { connection: 'close', ...headers });
}

function sendReply(response: http.ServerResponse, reply: FunctionReply, callId: string): void {
  response.writeHead(reply.status, { ...forwardableHeaders(reply.headers), 'x-call-id': callId, 'content-length': String(reply.body.length) });
  response.end(reply.body);
}

/**
 * Starts a local, OpenFaaS-compatible gateway for the functions of a stack file: one process per
 * function through the template's entrypoint, the gateway routes `/function/<name>[/…]` (sync),
 * `/async-function/<name>[/…]` (202 + X-Call-Id, queued, callback to X-Callback-Url),
 * `/system/functions` (basic auth) and `/healthz`, and the cron-connector's schedules.
 */
export async function createLocalGateway(options: LocalGatewayOptions): Promise<LocalGateway> {
  const env = options.env ?? getEnv();
  const log = options.log ?? createLogger({ fields: { fn: 'gateway' } });
  const now = options.now ?? Date.now;
  const loaded = await loadStack(options.stackFile ?? env.stackFile, { templateDir: options.templateDir ?? `${projectRoot}/template`, checkBuild: options.checkBuild });
  const names = options.only ?? Object.keys(loaded.stack.functions);
  const unknown = names.filter((name) => loaded.stack.functions[name] === undefined);
  if (unknown.length > 0) {
    throw new ConfigError('gateway.unknown_function', `${unknown.join(', ')} is not in ${loaded.file}; functions there: ${Object.keys(loaded.stack.functions).join(', ')}.`);
  }

  let registry: FunctionRegistry | undefined;
  const queue = createAsyncQueue(options.asyncConcurrency ?? env.gatewayAsyncConcurrency, (error) => log.error('gateway.async_failed', { error }));
  const call = (name: string, request: FunctionCall): Promise<FunctionReply> => registry!.call(name, request);
  const maxBodyBytes = env.gatewayMaxBodyBytes;

  const runAsync = (name: string, callId: string, request: FunctionCall, callbackUrl: string | undefined): void => {
    queue.enqueue(async () => {
      const started = now();
      const reply = await call(name, { ...request, method: 'POST' });
      const seconds = (now() - started) / 1000;
      log.info('gateway.async_done', { function: name, call_id: callId, status: reply.status, duration_s: seconds });
      if (callbackUrl !== undefined) {
        await postCallback({ url: callbackUrl, reply, functionName: name, callId, durationSeconds: seconds, log });
      }
    });
  };

  const route = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://gateway.local');
    if (url.pathname === '/healthz') {
      sendText(response, 200, 'OK');
      return;
    }
    if (registry === undefined) {
      // Listening comes first (so a busy port fails fast); the function processes start after.
      refuse(request, response, 503, 'the local gateway is still starting its functions; try again in a moment', { 'retry-after': '1' });
      return;
    }
    const served = registry;
    if (url.pathname === '/system' || url.pathname.startsWith('/system/')) {
      if (!checkBasicAuth(request.headers.authorization, options.credentials.user, options.credentials.password)) {
        sendText(response, 401, 'Unauthorized: the /system routes need the gateway\'s basic-auth credentials', { 'www-authenticate': 'Basic realm="Restricted"' });
        return;
      }
      const listed = [...served.functions.values()].map((served) => ({
        name: served.name,
        image: served.definition.image,
        namespace: 'openfaas-fn',
        replicas: 1,
        availableReplicas: 1,
        invocationCount: served.invocations(),
        envProcess: served.definition.fprocess ?? '',
        labels: served.definition.labels,
        annotations: served.definition.annotations,
      }));
      const one = /^\/system\/function\/([^/]+)$/.exec(url.pathname);
      if (request.method === 'GET' && url.pathname === '/system/functions') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(listed));
      } else if (request.method === 'GET' && one !== null) {
        const found = listed.find((entry) => entry.name === decodeURIComponent(one[1]!));
        if (found === undefined) sendText(response, 404, `error finding function ${one[1]}`);
        else {
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(JSON.stringify(found));
        }
      } else {
        sendText(response, 404, `${request.method} ${url.pathname} is not served by the local gateway (it serves GET /system/functions and GET /system/function/<name>)`);
      }
      return;
    }
    const match = /^\/(function|async-function)\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (match === null) {
      sendText(response, 404, `${url.pathname} is not a gateway route; use /function/<name>, /async-function/<name>, /system/functions or /healthz`);
      return;
    }
    const [, kind, name, rest] = match as unknown as [string, string, string, string | undefined];
    if (!served.functions.has(name)) {
      refuse(request, response, 404, `error finding function ${name}: it is not in the stack served by this gateway`);
      return;
    }
    if (kind === 'async-function' && request.method !== 'POST') {
      refuse(request, response, 405, 'async invocations are POST requests');
      return;
    }
    const limit = kind === 'async-function' ? ASYNC_BODY_LIMIT_BYTES : maxBodyBytes;
    let body: Buffer;
    try {
      body = await readBody(request, limit);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      refuse(request, response, 413, kind === 'async-function'
        ? `async bodies are limited to ${ASYNC_BODY_LIMIT_BYTES} bytes (NATS max_payload on faasd); pass references instead of data`
        : `request bodies are limited to ${maxBodyBytes} bytes (DP_GATEWAY_MAX_BODY_BYTES); pass references instead of data`);
      return;
    }
    const callId = typeof request.headers['x-call-id'] === 'string' && request.headers['x-call-id'] !== '' ? request.headers['x-call-id'] : randomUUID();
    const forwarded: FunctionCall = {
      method: request.method ?? 'GET',
      path: `${rest ?? '/'}${url.search}`,
      headers: { ...forwardableHeaders(request.headers), 'x-call-id': callId, 'x-forwarded-host': request.headers.host ?? '' },
      body,
    };
    if (kind === 'function') {
      sendReply(response, await call(name, forwarded), callId);
      return;
    }
    const callback = request.headers['x-callback-url'];
    runAsync(name, callId, forwarded, typeof callback === 'string' && callback !== '' ? callback : undefined);
    response.writeHead(202, { 'x-call-id': callId, 'x-start-time': String(now() * 1_000_000), 'content-length': '0' });
    response.end();
  };

  const server = http.createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      log.error('gateway.request_failed', { path: request.url, error });
      if (!response.headersSent) sendText(response, 500, 'the local gateway failed to handle the request; see its log');
      else response.destroy();
    });
  });
  const wantedPort = options.port ?? env.gatewayPort;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') {
        const why = error.code === 'EADDRINUSE' ? 'is already in use (another `dp up` or `dp gateway`?)' : 'may not be opened by this user';
        reject(new ConfigError('gateway.port_busy', `port ${wantedPort} on 127.0.0.1 ${why}; stop what holds it, or choose another port with DP_GATEWAY_PORT (or --port).`, { cause: error, context: { port: wantedPort } }));
        return;
      }
      reject(error);
    });
    server.listen(wantedPort, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  try {
    registry = await createFunctionRegistry({
      loaded,
      names,
      env,
      gatewayUrl: url,
      // The console checks the same credentials as the gateway's /system routes (on faasd: its console-password secret).
      functionEnv: { DP_CONSOLE_USER: options.credentials.user, DP_CONSOLE_PASSWORD: options.credentials.password, ...options.functionEnv },
      log,
      output: options.output ?? ((_name, line) => process.stdout.write(`${line}\n`)),
    });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }

  const triggers: ScheduledTrigger[] = [];
  const driver = options.scheduleDriver === undefined ? createScheduleDriver() : options.scheduleDriver;
  for (const name of driver === null ? [] : names) {
    const { topic, schedule, async } = loaded.stack.functions[name]!.annotations;
    if (topic !== 'cron-function' || schedule === undefined) continue;
    const spec = parseSchedule(schedule);
    triggers.push(
      driver!.schedule(spec, () => {
        const callId = randomUUID();
        // The cron-connector's request: an empty POST with its content_type (text/plain by default) and the connector headers.
        const request: FunctionCall = { method: 'POST', path: '/', headers: { ...CRON_HEADERS, 'content-type': 'text/plain', 'x-call-id': callId }, body: Buffer.alloc(0) };
        log.info('gateway.schedule_fired', { function: name, schedule, call_id: callId });
        if (async === 'true') {
          runAsync(name, callId, request, undefined);
          return;
        }
        void call(name, request).then(
          (reply) => log.info('gateway.schedule_done', { function: name, call_id: callId, status: reply.status }),
          (error: unknown) => log.error('gateway.schedule_failed', { function: name, call_id: callId, error }),
        );
      }),
    );
  }
  log.info('gateway.listening', { url, functions: names, schedules: triggers.length });

  return {
    url,
    port,
    functions: names,
    processIds: () => registry!.processIds(),
    idle: () => queue.idle(),
    pidOf: (name) => registry?.functions.get(name)?.pid(),
    close: async () => {
      for (const trigger of triggers) trigger.cancel();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await registry!.stop();
    },
  };
}
