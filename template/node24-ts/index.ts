/**
 * Entry point of a function process: of-watchdog (http mode) starts it in the container as
 * `fprocess` (`node index.ts` in /home/app), and the local gateway starts one per function. It
 * loads the handler module (DP_FUNCTION_HANDLER, default `function/handler.ts` beside this file),
 * serves it on DP_FUNCTION_PORT (3000, the watchdog's `upstream_url`), and drains in-flight
 * requests on SIGTERM for at most DP_FUNCTION_DRAIN_MS. It needs nothing but Node and the handler.
 */
import { pathToFileURL } from 'node:url';

import { createFunctionServer } from './createFunctionServer.ts';
import type { FunctionHandler } from './functionContract.ts';
import { readServerSettings } from './readServerSettings.ts';
import { createServerLog } from './serverLog.ts';

type LoadedHandler = { readonly handler: FunctionHandler; readonly rawBodyPaths: readonly string[] };

async function loadHandler(modulePath: string): Promise<LoadedHandler> {
  let loaded: { default?: unknown; handler?: unknown; rawBodyPaths?: unknown };
  try {
    loaded = (await import(pathToFileURL(modulePath).href)) as typeof loaded;
  } catch (error) {
    throw new Error(`The handler module ${modulePath} could not be loaded (set DP_FUNCTION_HANDLER to the module that exports the handler): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const handler = loaded.default ?? loaded.handler;
  if (typeof handler !== 'function') {
    throw new Error(`The handler module ${modulePath} exports no function; export \`default\` (or \`handler\`) as (event, context) => result.`);
  }
  const rawBodyPaths = Array.isArray(loaded.rawBodyPaths) ? loaded.rawBodyPaths.filter((entry): entry is string => typeof entry === 'string') : [];
  return { handler: handler as FunctionHandler, rawBodyPaths };
}

async function main(): Promise<void> {
  const settings = readServerSettings(process.env, import.meta.dirname);
  const log = createServerLog({ level: settings.logLevel, fn: settings.functionName });
  const { handler, rawBodyPaths } = await loadHandler(settings.handlerPath);
  const server = createFunctionServer({ handler, rawBodyPaths, bodyLimitBytes: settings.bodyLimitBytes, log });
  server.keepAliveTimeout = 65_000;

  // Loopback only: of-watchdog proxies from 127.0.0.1 in the container, the local gateway does the same.
  server.listen(settings.port, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : settings.port;
    log('info', 'function.listening', { port, handler: settings.handlerPath });
    // The local gateway starts functions on port 0 and learns the port over the IPC channel.
    process.send?.({ type: 'listening', port });
  });

  // faasd sends SIGTERM to every process of the container and of-watchdog forwards its own: the first one starts
  // the drain, later ones change nothing (a second signal must not cut the drain short, nor kill the process).
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('info', 'function.stopping', { signal, drain_ms: settings.drainMs });
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => {
      log('warn', 'function.drain_timeout', { drain_ms: settings.drainMs });
      process.exit(0);
    }, settings.drainMs).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  createServerLog({ level: 'error', fn: process.env.DP_FUNCTION_NAME || 'function' })('error', 'function.start_failed', { error });
  process.exit(1);
});
