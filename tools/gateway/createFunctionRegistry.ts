import path from 'node:path';

import { processEnvironment, type Env } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';
import type { Logger } from '#platform/log.ts';
import { invokeFunction, FunctionTimeoutError, type FunctionReply } from './invokeFunction.ts';
import type { LoadedStack } from './loadStack.ts';
import type { StackFunction } from './parseStack.ts';
import { parseNodeFprocess } from './parseNodeFprocess.ts';
import { startFunctionProcess, type FunctionProcess } from './startFunctionProcess.ts';
import { callTimeoutMs, readExecTimeoutMs, watchdogTimeoutHeaders } from './watchdogTimeout.ts';

/** Keys that point at faasd's services and secret files in stack.yml; locally the gateway's own settings (this shell's) replace them. */
const LOCAL_KEYS = [
  'DATABASE_URL', 'DATABASE_URL_FILE', 'MONGODB_URL', 'MONGODB_URL_FILE', 'DP_RAW_STORE_URL', 'DP_INBOX_URL', 'DP_ARCHIVE_URL', 'DP_GATEWAY_URL', 'DP_LOG_LEVEL',
  'DP_S3_ENDPOINT', 'DP_S3_REGION', 'DP_S3_ACCESS_KEY_ID', 'DP_S3_ACCESS_KEY_ID_FILE', 'DP_S3_SECRET_ACCESS_KEY', 'DP_S3_SECRET_ACCESS_KEY_FILE',
  'DP_CONSOLE_PASSWORD_FILE',
];

/** faasd's gateway stops waiting after 60 s whatever the function says. */
const GATEWAY_TIMEOUT_MS = 60_000;

export type FunctionCall = {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: Buffer;
};

export type ServedFunction = {
  readonly name: string;
  readonly definition: StackFunction;
  readonly invocations: () => number;
  /** The pid of the function's process while it runs (tests kill it to inject a crash). */
  readonly pid: () => number | undefined;
};

export type FunctionRegistry = {
  readonly functions: ReadonlyMap<string, ServedFunction>;
  /** The process id of each running function. */
  readonly processIds: () => ReadonlyMap<string, number>;
  /**
   * Calls a function; a function that died is started again first. Past its exec_timeout the call is cut and
   * answered as of-watchdog does (504, empty body, `X-OpenFaaS-Internal: of-watchdog`) while the process runs on;
   * 502 when it cannot be reached.
   */
  readonly call: (name: string, call: FunctionCall) => Promise<FunctionReply>;
  readonly stop: () => Promise<void>;
};

export type CreateFunctionRegistryOptions = {
  readonly loaded: LoadedStack;
  readonly names: readonly string[];
  readonly env: Env;
  /** The gateway's own URL, handed to functions as DP_GATEWAY_URL. */
  readonly gatewayUrl: string;
  /** Extra environment for every function (wins over stack.yml). */
  readonly functionEnv: Readonly<Record<string, string>>;
  readonly log: Logger;
  readonly output: (name: string, line: string) => void;
};

function environmentOf(name: string, definition: StackFunction, options: CreateFunctionRegistryOptions): NodeJS.ProcessEnv {
  const fromStack = Object.fromEntries(Object.entries(definition.environment).filter(([key]) => !LOCAL_KEYS.includes(key)));
  const inherited = processEnvironment();
  delete inherited.DATABASE_URL_FILE;
  delete inherited.MONGODB_URL_FILE;
  return {
    ...inherited,
    ...fromStack,
    DATABASE_URL: options.env.databaseUrl,
    MONGODB_URL: options.env.mongodbUrl,
    DP_RAW_STORE_URL: options.env.rawStoreUrl,
    DP_GATEWAY_URL: options.gatewayUrl,
    DP_LOG_LEVEL: options.env.logLevel,
    DP_FUNCTION_NAME: name,
    ...options.functionEnv,
  };
}

/**
 * Starts one process per function of the stack (in parallel) through the template's entrypoint,
 * and calls them like of-watchdog does: loopback HTTP with the function's exec_timeout.
 */
export async function createFunctionRegistry(options: CreateFunctionRegistryOptions): Promise<FunctionRegistry> {
  const processes = new Map<string, FunctionProcess>();
  const starting = new Map<string, Promise<FunctionProcess>>();
  const counts = new Map<string, number>();
  const functions = new Map<string, ServedFunction>();
  let stopping = false;

  const start = (name: string): Promise<FunctionProcess> => {
    const existing = starting.get(name);
    if (existing !== undefined) return existing;
    const definition = options.loaded.stack.functions[name]!;
    // The container runs the function's fprocess (of-watchdog); its Node options apply here too.
    const nodeOptions = parseNodeFprocess(definition.fprocess);
    if (typeof nodeOptions === 'string') return Promise.reject(new ConfigError('gateway.bad_fprocess', `functions.${name}.${nodeOptions}`, { context: { function: name } }));
    const promise = startFunctionProcess({
      name,
      nodeOptions,
      handlerPath: path.resolve(options.loaded.dir, definition.handler ?? `./functions/${name}`, 'handler.ts'),
      env: environmentOf(name, definition, options),
      output: options.output,
    }).then(
      (started) => {
        processes.set(name, started);
        starting.delete(name);
        void started.exited.then((code) => {
          if (!stopping) options.log.warn('gateway.function_exited', { function: name, code });
        });
        return started;
      },
      (error: unknown) => {
        starting.delete(name);
        throw error;
      },
    );
    starting.set(name, promise);
    return promise;
  };

  for (const name of options.names) {
    const definition = options.loaded.stack.functions[name]!;
    counts.set(name, 0);
    functions.set(name, { name, definition, invocations: () => counts.get(name) ?? 0, pid: () => (processes.get(name)?.running() === true ? processes.get(name)?.pid : undefined) });
  }
  const started = await Promise.allSettled(options.names.map(start));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed !== undefined) {
    stopping = true;
    await Promise.allSettled([...processes.values()].map((process) => process.stop()));
    throw (failed as PromiseRejectedResult).reason;
  }

  const text = (status: number, message: string): FunctionReply => ({ status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from(message) });

  return {
    functions,
    processIds: () => new Map([...processes].filter(([, started]) => started.running()).map(([name, started]) => [name, started.pid])),
    call: async (name, call) => {
      const served = functions.get(name);
      if (served === undefined) {
        return text(404, `error finding function ${name}: it is not in the stack served by this gateway`);
      }
      counts.set(name, (counts.get(name) ?? 0) + 1);
      let target = processes.get(name);
      if (target === undefined || !target.running()) {
        options.log.info('gateway.function_restarting', { function: name });
        try {
          target = await start(name);
        } catch (error) {
          options.log.error('gateway.function_unavailable', { function: name, error });
          return text(502, `function ${name} could not be started; see its log lines`);
        }
      }
      const header = call.headers['x-timeout'];
      const watchdogMs = callTimeoutMs(readExecTimeoutMs(served.definition.environment), typeof header === 'string' ? header : undefined);
      const watchdogCuts = watchdogMs > 0 && watchdogMs <= GATEWAY_TIMEOUT_MS;
      const started = Date.now();
      try {
        return await invokeFunction({ port: target.port, method: call.method, path: call.path, headers: call.headers, body: call.body, timeoutMs: watchdogCuts ? watchdogMs : GATEWAY_TIMEOUT_MS });
      } catch (error) {
        if (error instanceof FunctionTimeoutError) {
          const durationMs = Date.now() - started;
          options.log.warn('gateway.exec_timeout', { function: name, timeout_ms: watchdogCuts ? watchdogMs : GATEWAY_TIMEOUT_MS, note: 'the call was cut; the function process runs on, as under of-watchdog' });
          if (watchdogCuts) return { status: 504, headers: watchdogTimeoutHeaders(durationMs), body: Buffer.alloc(0) };
          return text(504, `function ${name} did not answer within the gateway's ${GATEWAY_TIMEOUT_MS} ms`);
        }
        options.log.warn('gateway.function_unreachable', { function: name, error });
        return text(502, `function ${name} could not be reached`);
      }
    },
    stop: async () => {
      stopping = true;
      await Promise.allSettled([...processes.values()].map((process) => process.stop()));
    },
  };
}
