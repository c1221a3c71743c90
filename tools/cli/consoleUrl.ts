import { getEnv } from '#platform/env.ts';

/** The console's address on a gateway (`http://127.0.0.1:8080/function/console`), or one run's page when `runId` is given. */
export function consoleUrl(gatewayUrl: string, runId?: string): string {
  const base = `${gatewayUrl.replace(/\/+$/, '')}${getEnv().consoleBasePath}`;
  return runId === undefined ? `${base}/` : `${base}/runs/${encodeURIComponent(runId)}`;
}
