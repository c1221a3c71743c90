import { z } from 'zod';

import type { FunctionSchedules } from './consoleContext.ts';

const listedFunction = z.looseObject({ name: z.string(), annotations: z.record(z.string(), z.string()).nullable().optional() });

export type ReadFunctionSchedulesOptions = {
  /** The gateway's base URL (DP_GATEWAY_URL). */
  readonly gatewayUrl: string;
  /** Basic-auth credentials of the gateway's /system routes. */
  readonly user: string;
  readonly password: string;
  /** Milliseconds to wait for the gateway. Default 1500. */
  readonly timeoutMs?: number;
};

/**
 * The functions' cron annotations (`topic: cron-function` with a `schedule`), read from the gateway's
 * `GET /system/functions` with the console's credentials — the same the gateway's admin uses. A gateway that
 * refuses or does not answer gives the reason instead, so a page shows what it can.
 */
export async function readFunctionSchedules(options: ReadFunctionSchedulesOptions): Promise<FunctionSchedules> {
  const url = `${options.gatewayUrl.replace(/\/+$/, '')}/system/functions`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 1500),
    });
  } catch (error) {
    return { ok: false, reason: `the gateway at ${options.gatewayUrl} did not answer (${error instanceof Error ? error.message : String(error)})` };
  }
  if (response.status === 401) return { ok: false, reason: 'the gateway refused the console\'s credentials; give the console the gateway\'s admin password' };
  if (!response.ok) return { ok: false, reason: `the gateway answered ${response.status} to GET /system/functions` };
  const parsed = z.array(listedFunction).safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) return { ok: false, reason: 'the gateway\'s function list has an unexpected shape' };
  const functions = parsed.data
    .filter((entry) => entry.annotations?.topic === 'cron-function' && typeof entry.annotations.schedule === 'string')
    .map((entry) => ({ name: entry.name, schedule: entry.annotations!.schedule! }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { ok: true, functions };
}
