import { getEnv } from '#platform/env.ts';
import { ValidationError } from '#platform/errors.ts';

/** The gateway a command talks to: `--gateway=<url>`, else DP_GATEWAY_URL (default http://127.0.0.1:8080). */
export function readGatewayUrl(flags: ReadonlyMap<string, string | true>): string {
  const flag = flags.get('gateway');
  if (flag === undefined) return getEnv().gatewayUrl;
  if (flag === true || !/^https?:\/\/[^\s]+$/.test(flag)) {
    throw new ValidationError('cli.usage', '--gateway needs the gateway\'s base URL, for example --gateway=http://127.0.0.1:8080.');
  }
  return flag.replace(/\/+$/, '');
}
