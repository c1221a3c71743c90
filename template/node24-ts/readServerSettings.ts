import path from 'node:path';

import type { ServerLogLevel } from './serverLog.ts';

/** What the template reads from its environment (the only keys it knows; the handler reads its own). */
export type ServerSettings = {
  /** The module exporting the handler. DP_FUNCTION_HANDLER, default `<template folder>/function/handler.ts` (the image layout). */
  readonly handlerPath: string;
  /** Port on 127.0.0.1 (of-watchdog's `upstream_url`); 0 picks a free one. DP_FUNCTION_PORT, default 3000. */
  readonly port: number;
  /** Largest request body accepted, in bytes. DP_FUNCTION_BODY_LIMIT_BYTES, default 5 MiB (1 KiB – 1 GiB). */
  readonly bodyLimitBytes: number;
  /**
   * Longest wait for requests in flight after SIGTERM, in milliseconds, before the process exits anyway.
   * DP_FUNCTION_DRAIN_MS, default 20000: faasd kills a container 30 s after SIGTERM and then fails the deploy
   * that asked for it, so the function must be gone before that (an unfinished step is sent again).
   */
  readonly drainMs: number;
  /** The `fn` field of the log lines. DP_FUNCTION_NAME, else `faas_function_name`, else `function`. */
  readonly functionName: string;
  /** Lowest level logged. DP_LOG_LEVEL, default info. */
  readonly logLevel: ServerLogLevel;
};

const LEVELS: readonly ServerLogLevel[] = ['debug', 'info', 'warn', 'error'];

function readWhole(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number, what: string): number {
  const text = env[key];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${key}=${text} is not ${what} (a whole number from ${min} to ${max}); fix or unset it (default ${fallback}).`);
  }
  return value;
}

/** Reads the template's settings; a bad value is an error naming the key and the fix. */
export function readServerSettings(env: NodeJS.ProcessEnv, templateDir: string): ServerSettings {
  const logLevel = (env.DP_LOG_LEVEL || 'info') as ServerLogLevel;
  if (!LEVELS.includes(logLevel)) {
    throw new Error(`DP_LOG_LEVEL=${env.DP_LOG_LEVEL} is not a log level; use one of ${LEVELS.join(', ')}.`);
  }
  return {
    handlerPath: path.resolve(templateDir, env.DP_FUNCTION_HANDLER || path.join('function', 'handler.ts')),
    port: readWhole(env, 'DP_FUNCTION_PORT', 3000, 0, 65_535, 'a TCP port'),
    bodyLimitBytes: readWhole(env, 'DP_FUNCTION_BODY_LIMIT_BYTES', 5 * 1024 * 1024, 1024, 1024 * 1024 * 1024, 'a size in bytes'),
    drainMs: readWhole(env, 'DP_FUNCTION_DRAIN_MS', 20_000, 0, 25_000, 'a time in milliseconds'),
    functionName: env.DP_FUNCTION_NAME || env.faas_function_name || 'function',
    logLevel,
  };
}
