import path from 'node:path';

import { migrateDatabase } from '#platform/db/migrate.ts';
import type { Env } from '#platform/env.ts';
import { PlatformError } from '#platform/errors.ts';
import { createLocalGateway, type LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import { resolveGatewayCredentials } from '#tools/gateway/resolveGatewayCredentials.ts';
import { createLogger } from '#platform/log.ts';
import { stopLocalFerretdb } from '#tools/services/ferretdbServer.ts';
import { stopLocalPostgres } from '#tools/services/postgresServer.ts';
import { ensureServices, type Services } from '#tools/services/services.ts';
import type { CommandIo } from './command.ts';
import { metadataCommand } from './commands/metadata.ts';
import { displayPath } from './displayPath.ts';
import { formatFunctionLine } from './formatFunctionLine.ts';
import { startLocalBackupAgent } from './startLocalBackupAgent.ts';
import { openLogFiles } from './openLogFiles.ts';

export type StartPlatformOptions = {
  readonly env: Env;
  readonly io: CommandIo;
  /** Gateway port on 127.0.0.1. Default DP_GATEWAY_PORT (8080); 0 picks a free one. */
  readonly port?: number;
  /** Fire the stack's schedules (cron annotations). Default true. */
  readonly schedules?: boolean;
  /** Stop Postgres and FerretDB on `stop()` when this call started them. Default true. */
  readonly stopStartedServices?: boolean;
  /** Stream the gateway's and every function's log lines to the terminal; without it they go to `<dataDir>/logs/<name>.log`. Default false. */
  readonly verbose?: boolean;
};

export type RunningPlatform = {
  readonly gateway: LocalGateway;
  readonly services: Services;
  /** The console's address on the gateway, and how to sign in. */
  readonly console: { readonly url: string; readonly user: string; readonly passwordFrom: string };
  /** Where the function logs go, when they are not streamed. */
  readonly logDir: string | undefined;
  /** Stops the gateway and its functions, then the services this start brought up. Safe to call twice. */
  readonly stop: () => Promise<void>;
};

const timeOfDay = (): string => new Date().toISOString().slice(11, 19);

/** `applied 0001_a.sql, 0002_b.sql`, or the first and last of many. */
function describeMigrations(applied: readonly string[]): string {
  if (applied.length === 0) return 'up to date';
  if (applied.length <= 2) return `applied ${applied.join(', ')}`;
  return `applied ${applied.length}: ${applied[0]} … ${applied[applied.length - 1]}`;
}

/**
 * Brings the local platform up with one line per stage: Postgres and FerretDB (found or started),
 * migrations, the metadata folder synced into the catalog, then the local gateway serving stack.yml
 * with its schedules. The gateway's and the functions' log lines go to `<dataDir>/logs/<name>.log`
 * (one file each), or to the terminal with `verbose`.
 */
export async function startPlatform(options: StartPlatformOptions): Promise<RunningPlatform> {
  const { env, io } = options;
  const verbose = options.verbose === true;
  const logs = verbose ? undefined : openLogFiles(path.join(env.dataDir, 'logs'));
  const serviceLog = createLogger({
    format: 'text',
    fields: {},
    sink: (line) => {
      logs?.write('services', `${timeOfDay()} ${line}`);
      // the summary line below says it; what takes long (installing, initdb, starting) is shown as it happens
      if (verbose || !line.startsWith('services.ready')) io.err(`${timeOfDay()} services   ${line}`);
    },
  });
  const services = await ensureServices(env, serviceLog);
  io.out(`services   postgres ${services.postgres}, mongodb ${services.mongodb}`);
  let stopped = false;
  const stopServices = async (): Promise<void> => {
    if (options.stopStartedServices === false) return;
    await Promise.all([
      services.postgres === 'started' ? stopLocalPostgres(env.dataDir) : undefined,
      services.mongodb === 'started' ? stopLocalFerretdb(env.dataDir) : undefined,
    ]);
  };
  let gateway: LocalGateway;
  let credentials: Awaited<ReturnType<typeof resolveGatewayCredentials>>;
  try {
    const migrated = await migrateDatabase({ url: env.databaseUrl });
    io.out(`migrations ${describeMigrations(migrated.applied)}`);
    let syncLines = 0;
    const synced = await metadataCommand.run(['sync'], {
      // quiet: the sync's first line (the version); its list of what changed only with --verbose
      out: (line) => {
        syncLines += 1;
        if (verbose || syncLines === 1) io.out(`catalog    ${line}`);
      },
      err: (line) => io.err(`catalog    ${line}`),
    });
    if (synced !== 0) {
      throw new PlatformError('up.metadata_invalid', `The metadata in ${env.metadataDir} does not validate (see above); fix it and run \`dp up\` again.`);
    }
    credentials = await resolveGatewayCredentials(env);
    gateway = await createLocalGateway({
      stackFile: env.stackFile,
      port: options.port ?? env.gatewayPort,
      credentials,
      ...(options.schedules === false ? { scheduleDriver: null } : {}),
      log: createLogger({
        format: 'text',
        fields: {},
        sink: (line) => (logs === undefined ? io.err(`${timeOfDay()} gateway    ${line}`) : logs.write('gateway', `${timeOfDay()} ${line}`)),
      }),
      output: (name, line) => (logs === undefined ? io.err(formatFunctionLine(name, line, timeOfDay())) : logs.write(name, line)),
      env,
    });
  } catch (error) {
    // the function's own lines, which the error points at, are in its file rather than above
    if (logs !== undefined && error instanceof PlatformError && error.code.startsWith('gateway.function_start')) io.err(`the function logs are in ${displayPath(logs.dir)}/`);
    await stopServices();
    await logs?.close();
    throw error;
  }
  // Scheduled backups are a convenience locally: the platform runs without them when the agent cannot start.
  const agentLine = (line: string): void => (logs === undefined ? io.err(`${timeOfDay()} backups    ${line}`) : logs.write('backups', `${timeOfDay()} ${line}`));
  const stopAgent = await startLocalBackupAgent(env, agentLine).catch((error: unknown) => {
    io.err(`${timeOfDay()} backups    agent not started: ${error instanceof Error ? error.message : String(error)}`);
    return async () => undefined;
  });
  const where = logs === undefined ? '' : `; logs in ${displayPath(logs.dir)}/<function>.log (--verbose shows them here)`;
  io.out(`gateway    ${gateway.url} serving ${gateway.functions.join(', ')}${options.schedules === false ? ' (schedules off)' : ''}${where}`);
  return {
    gateway,
    services,
    console: { url: `${gateway.url}${env.consoleBasePath}/`, user: credentials.user, passwordFrom: credentials.source === 'DP_GATEWAY_PASSWORD' ? 'DP_GATEWAY_PASSWORD' : displayPath(credentials.source) },
    logDir: logs?.dir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopAgent();
      await gateway.close();
      await stopServices();
      await logs?.close();
    },
  };
}
