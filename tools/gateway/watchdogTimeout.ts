/**
 * How of-watchdog (0.11.6, http mode — the mode of our template) bounds a call, read from its source
 * (config/config.go, executor/http_runner.go), so the local gateway cuts a too-long step exactly where faasd would:
 * - `exec_timeout` is read like every watchdog duration: a bare whole number is seconds, otherwise a Go
 *   duration (`55s`, `1m30s`, `500ms`); unset or unreadable means the default, 30 s; `0` means no limit;
 * - a request header `X-Timeout` (a Go duration) shortens the limit for that call, never lengthens it;
 * - at the limit the watchdog cancels its request to the function process and answers 504 with an EMPTY body
 *   and the headers `X-Duration-Seconds` and `X-OpenFaaS-Internal: of-watchdog`. It does not stop the process:
 *   the handler runs on in the background, and its late answer goes nowhere.
 */
import { parseDuration } from './parseDuration.ts';

/** of-watchdog's `exec_timeout` when the variable is unset or unreadable. */
export const WATCHDOG_DEFAULT_TIMEOUT_MS = 30_000;

/** The watchdog's limit for a function's calls in milliseconds, from its environment in stack.yml; 0 means none. */
export function readExecTimeoutMs(environment: Readonly<Record<string, string>>): number {
  const value = environment.exec_timeout;
  if (value === undefined) return WATCHDOG_DEFAULT_TIMEOUT_MS;
  return parseDuration(value) ?? WATCHDOG_DEFAULT_TIMEOUT_MS;
}

/** The limit of one call: the function's exec_timeout, shortened by an `X-Timeout` request header that is a shorter duration. */
export function callTimeoutMs(execTimeoutMs: number, xTimeout: string | undefined): number {
  if (xTimeout === undefined || execTimeoutMs === 0) return execTimeoutMs;
  // The watchdog reads X-Timeout with time.ParseDuration: a unit is required, a bare number is ignored.
  const asked = /^\s*\d+\s*$/.test(xTimeout) ? undefined : parseDuration(xTimeout);
  return asked !== undefined && asked <= execTimeoutMs ? asked : execTimeoutMs;
}

/** The headers of the watchdog's own 504: how long the call ran, and that the watchdog (not the function) answered. */
export function watchdogTimeoutHeaders(durationMs: number): Readonly<Record<string, string>> {
  return { 'x-duration-seconds': (durationMs / 1000).toFixed(6), 'x-openfaas-internal': 'of-watchdog' };
}
