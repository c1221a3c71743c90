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
import { formatFunctionLine } from './formatFunctionLine.ts';
import { startLocalBackupAgent } from './startLocalBackupAgent.ts';

export type StartPlatformOptions = {
  readonly env: Env;
  readonly io: CommandIo;
  /** Gateway port on 127.0.0.1. Default DP_GATEWAY_PORT (8080); 0 picks a free one. */
  readonly port?: number;
  /** Fire the stack's schedules (cron annotations). Default true. */
  readonly schedules?: boolean;
  /** Stop Postgres and FerretDB on `stop()` when this call started them. Default true. */
  readonly stopStartedServices?: boolean;
};

export type RunningPlatform = {
  readonly gateway: LocalGateway;
  readonly services: Services;
  /** Stops the gateway and its functions, then the services this start brought up. Safe to call twice. */
  readonly stop: () => Promise<void>;
};

const timeOfDay = (): string => new Date().toISOString().slice(11, 19);

/**
 * Brings the local platform up, step by step with a line per step: Postgres and FerretDB (found or
 * started), migrations, the metadata folder synced into the catalog, then the local gateway serving
 * stack.yml with its schedules. Function and gateway logs are printed as readable lines.
 */
export async function startPlatform(options: StartPlatformOptions): Promise<RunningPlatform> {
  const { env, io } = options;
  const serviceLog = createLogger({ format: 'text', fields: {}, sink: (line) => io.err(`${timeOfDay()} services   ${line}`) });
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
  try {
    const migrated = await migrateDatabase({ url: env.databaseUrl });
    io.out(`migrations ${migrated.applied.length === 0 ? 'up to date' : `applied ${migrated.applied.join(', ')}`}`);
    const synced = await metadataCommand.run(['sync'], { out: (line) => io.out(`catalog    ${line}`), err: (line) => io.err(`catalog    ${line}`) });
    if (synced !== 0) {
      throw new PlatformError('up.metadata_invalid', `The metadata in ${env.metadataDir} does not validate (see above); fix it and run \`dp up\` again.`);
    }
    const credentials = await resolveGatewayCredentials(env);
    gateway = await createLocalGateway({
      stackFile: env.stackFile,
      port: options.port ?? env.gatewayPort,
      credentials,
      ...(options.schedules === false ? { scheduleDriver: null } : {}),
      log: createLogger({ format: 'text', fields: {}, sink: (line) => io.err(`${timeOfDay()} gateway    ${line}`) }),
      output: (name, line) => io.err(formatFunctionLine(name, line, timeOfDay())),
      env,
    });
  } catch (error) {
    await stopServices();
    throw error;
  }
  // Scheduled backups are a convenience locally: the platform runs without them when the agent cannot start.
  const stopAgent = await startLocalBackupAgent(env, (line) => io.err(`${timeOfDay()} backups    ${line}`)).catch((error: unknown) => {
    io.err(`${timeOfDay()} backups    agent not started: ${error instanceof Error ? error.message : String(error)}`);
    return async () => undefined;
  });
  io.out(`gateway    ${gateway.url} serving ${gateway.functions.join(', ')}${options.schedules === false ? ' (schedules off)' : ''}`);
  return {
    gateway,
    services,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopAgent();
      await gateway.close();
      await stopServices();
    },
  };
}
