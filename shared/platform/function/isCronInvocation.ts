import type { FunctionEvent } from '#template/functionContract.ts';

/** The headers the OpenFaaS cron-connector sends with every scheduled call (its body is empty). */
export const CRON_HEADERS = Object.freeze({ 'X-Connector': 'cron-connector', 'X-Topic': 'cron-function' });

/** True when the request comes from the cron-connector (or the local gateway's scheduler, which sends the same). */
export function isCronInvocation(event: Pick<FunctionEvent, 'headers' | 'method'>): boolean {
  return event.method === 'POST' && event.headers['x-connector'] === 'cron-connector';
}
