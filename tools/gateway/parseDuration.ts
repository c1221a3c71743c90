import { parseGoDuration } from '#platform/cron/parseGoDuration.ts';

/**
 * Reads a timeout the way the OpenFaaS watchdog does (`exec_timeout: 60s`): a bare whole number is
 * seconds, anything else a Go duration (`1m30s`, `500ms`); returns milliseconds, or undefined when the
 * text is neither.
 */
export function parseDuration(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const nanoseconds = parseGoDuration(text);
  return nanoseconds === undefined ? undefined : Number(nanoseconds) / 1_000_000;
}
