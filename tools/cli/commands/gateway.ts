import { getEnv } from '#platform/env.ts';
import { ValidationError } from '#platform/errors.ts';
import { createLocalGateway } from '#tools/gateway/createLocalGateway.ts';
import { resolveGatewayCredentials } from '#tools/gateway/resolveGatewayCredentials.ts';
import { createLogger } from '#platform/log.ts';
import { parseArgs, type Command } from '../command.ts';

function readCount(value: string | true | undefined, flag: string, min: number, example: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value === true || !Number.isInteger(number) || number < min) {
    throw new ValidationError('cli.invalid_flag', `--${flag} needs a whole number of at least ${min} (for example --${flag}=${example}).`);
  }
  return number;
}

export const gatewayCommand: Command = {
  summary: 'serve stack.yml locally like the OpenFaaS gateway (functions, async callbacks, schedules)',
  usage: [
    'dp gateway [--stack=stack.yml] [--port=8080] [--only=orchestrator,bronze] [--concurrency=1] [--no-schedules]',
    '',
    '  Starts every function of the stack through the node24-ts template entrypoint and serves',
    '  /function/<name>, /async-function/<name>, /system/functions (basic auth) and /healthz on 127.0.0.1.',
    '  The functions use DATABASE_URL, MONGODB_URL and DP_RAW_STORE_URL of this shell (run `dp services up` first).',
    '  The /system password is DP_GATEWAY_PASSWORD, or generated once into .data/secrets/basic-auth-password.',
  ],
  run: async (args, io) => {
    const { flags } = parseArgs(args);
    const env = getEnv();
    const port = readCount(flags.get('port'), 'port', 0, 8080) ?? env.gatewayPort;
    const asyncConcurrency = readCount(flags.get('concurrency'), 'concurrency', 1, 2);
    const only = typeof flags.get('only') === 'string' ? String(flags.get('only')).split(',').map((name) => name.trim()).filter(Boolean) : undefined;
    const credentials = await resolveGatewayCredentials(env);
    const gateway = await createLocalGateway({
      stackFile: typeof flags.get('stack') === 'string' ? String(flags.get('stack')) : env.stackFile,
      port,
      asyncConcurrency,
      only,
      credentials,
      ...(flags.has('no-schedules') ? { scheduleDriver: null } : {}),
      log: createLogger({ format: 'text', fields: {}, sink: io.err }),
    });
    io.out(`gateway ${gateway.url} serving ${gateway.functions.join(', ')}`);
    io.out(`/system user ${credentials.user}, password from ${credentials.source}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    io.err('stopping the gateway and its functions');
    await gateway.close();
    return 0;
  },
};
