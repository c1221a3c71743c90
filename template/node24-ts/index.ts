/**
 * Entry point of a function process: of-watchdog (http mode) starts it in the container as
 * `fprocess`, and the local gateway starts one per function. It loads the handler module named by
 * DP_FUNCTION_HANDLER, serves it on DP_FUNCTION_PORT (3000, the watchdog's `upstream_url`), and
 * drains in-flight requests on SIGTERM.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { getEnv } from '../../shared/platform/env.ts';
import { ConfigError } from '../../shared/platform/errors.ts';
import { createLogger } from '../../shared/platform/log.ts';
import type { FunctionHandler } from '../../shared/platform/function/functionContract.ts';
import { createFunctionServer } from './createFunctionServer.ts';

async function loadHandler(modulePath: string | undefined): Promise<FunctionHandler> {
  if (modulePath === undefined) {
    throw new ConfigError('function.handler_missing', 'DP_FUNCTION_HANDLER is not set; set it to the handler module (the image sets it; the local gateway sets it per function).', { context: { key: 'DP_FUNCTION_HANDLER' } });
  }
  let loaded: { default?: unknown; handler?: unknown };
  try {
    loaded = (await import(pathToFileURL(path.resolve(modulePath)).href)) as typeof loaded;
  } catch (error) {
    throw new ConfigError('function.handler_unloadable', `The handler module ${modulePath} could not be loaded: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  }
  const handler = loaded.default ?? loaded.handler;
  if (typeof handler !== 'function') {
    throw new ConfigError('function.handler_invalid', `The handler module ${modulePath} exports no function; export \`default\` (or \`handler\`) as (event, context) => result.`);
  }
  return handler as FunctionHandler;
}

async function main(): Promise<void> {
  const env = getEnv();
  const log = createLogger();
  const handler = await loadHandler(env.functionHandler);
  const server = createFunctionServer({ handler, bodyLimitBytes: env.functionBodyLimitBytes, log });
  server.keepAliveTimeout = 65_000;

  // Loopback only: of-watchdog proxies from 127.0.0.1 in the container, the local gateway does the same.
  server.listen(env.functionPort, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : env.functionPort;
    log.info('function.listening', { port, handler: env.functionHandler });
    // The local gateway starts functions on port 0 and learns the port over the IPC channel.
    process.send?.({ type: 'listening', port });
  });

  const stop = (signal: string): void => {
    log.info('function.stopping', { signal });
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    // of-watchdog gives the process write_timeout to drain; do not outlive it.
    setTimeout(() => process.exit(0), 60_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  createLogger({ level: 'error', fields: { fn: 'function' } }).error('function.start_failed', { error });
  process.exit(1);
});
