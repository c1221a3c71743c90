import { getEnv, type Env } from '#platform/env.ts';
import { createFunctionResources, type FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { FunctionHandler } from '#template/functionContract.ts';
import type { ConsoleContext, FunctionSchedules } from './consoleContext.ts';
import { createConsoleHandler } from './createConsoleHandler.ts';
import { readFunctionSchedules } from './readFunctionSchedules.ts';

/** Function schedules change only with a deploy: the gateway is asked at most once a minute. */
const SCHEDULES_TTL_MS = 60_000;

/**
 * The console as the function runs it: the pool of DATABASE_URL (opened on first use, so a database that is
 * down fails a request, not the start), links under DP_CONSOLE_BASE_PATH, basic auth with DP_CONSOLE_USER and
 * DP_CONSOLE_PASSWORD(_FILE), and the function schedules read from the gateway at DP_GATEWAY_URL.
 */
export function createConsoleFromEnv(options: { readonly env?: Env; readonly resources?: FunctionResources } = {}): FunctionHandler {
  const env = options.env ?? getEnv();
  const resources = options.resources ?? createFunctionResources({ env });
  let schedules: { readonly at: number; readonly value: Promise<FunctionSchedules> } | undefined;
  const functionSchedules = (): Promise<FunctionSchedules> => {
    const password = env.consolePassword();
    if (password === undefined) return Promise.resolve({ ok: false, reason: 'the console has no credentials for the gateway' });
    if (schedules === undefined || Date.now() - schedules.at > SCHEDULES_TTL_MS) {
      schedules = { at: Date.now(), value: readFunctionSchedules({ gatewayUrl: env.gatewayUrl, user: env.consoleUser, password }) };
    }
    return schedules.value;
  };
  const context = async (): Promise<ConsoleContext> => ({ pool: await resources.pool(), base: env.consoleBasePath, now: Date.now, functionSchedules });
  return createConsoleHandler({ context, base: env.consoleBasePath, credentials: () => ({ user: env.consoleUser, password: env.consolePassword() }) });
}
