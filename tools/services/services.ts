/**
 * Finds or starts the services the platform needs outside faasd: Postgres and a MongoDB-wire server.
 *
 * Order, for each service: an explicit URL (DATABASE_URL / MONGODB_URL) is used as it is and must be
 * reachable; otherwise a server already answering at the local default is reused; otherwise the
 * project's own server is started (Postgres from Debian's packages, FerretDB built with Go, storing its
 * documents in that Postgres).
 */
import type { Env } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';
import type { Logger } from '#platform/log.ts';
import { isMongoReachable, startLocalFerretdb, stopLocalFerretdb } from './ferretdbServer.ts';
import { ensureDatabaseExists, isPostgresReachable, startLocalPostgres, stopLocalPostgres } from './postgresServer.ts';

export type ServiceState = 'configured' | 'reused' | 'started';

export type Services = {
  readonly databaseUrl: string;
  readonly mongodbUrl: string;
  readonly postgres: ServiceState;
  readonly mongodb: ServiceState;
};

function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') {
    parsed.password = '***';
  }
  return parsed.toString();
}

/** Makes Postgres reachable at the configured URL and returns how. */
export async function ensurePostgres(env: Env, log: Logger): Promise<ServiceState> {
  if (await isPostgresReachable(env.databaseUrl)) {
    await ensureDatabaseExists(env.databaseUrl);
    return env.databaseUrlFromEnv ? 'configured' : 'reused';
  }
  if (env.databaseUrlFromEnv) {
    throw new ConfigError('local.postgres_unreachable', `DATABASE_URL (${redactUrl(env.databaseUrl)}) does not answer. Start that server, or unset DATABASE_URL to let the project start its own.`);
  }
  await startLocalPostgres({ dataDir: env.dataDir, port: env.postgresPort, log });
  await ensureDatabaseExists(env.databaseUrl);
  return 'started';
}

/** Makes a MongoDB-wire server reachable at the configured URL and returns how. */
export async function ensureMongo(env: Env, log: Logger): Promise<ServiceState> {
  if (await isMongoReachable(env.mongodbUrl)) {
    return env.mongodbUrlFromEnv ? 'configured' : 'reused';
  }
  if (env.mongodbUrlFromEnv) {
    throw new ConfigError('local.mongodb_unreachable', `MONGODB_URL (${redactUrl(env.mongodbUrl)}) does not answer. Start that server, or unset MONGODB_URL to let the project start its own.`);
  }
  await startLocalFerretdb({ dataDir: env.dataDir, port: env.mongodbPort, databaseUrl: env.databaseUrl, mongodbUrl: env.mongodbUrl, log });
  return 'started';
}

/** Ensures both services — Postgres first, since the project's FerretDB keeps its documents there — and reports what it did. */
export async function ensureServices(env: Env, log: Logger): Promise<Services> {
  const postgres = await ensurePostgres(env, log);
  const mongodb = await ensureMongo(env, log);
  log.info('services.ready', { postgres, mongodb, databaseUrl: redactUrl(env.databaseUrl), mongodbUrl: redactUrl(env.mongodbUrl) });
  return { databaseUrl: env.databaseUrl, mongodbUrl: env.mongodbUrl, postgres, mongodb };
}

/** Stops the project's own local servers (never a server given by URL). */
export async function stopServices(env: Env): Promise<{ postgres: boolean; mongodb: boolean }> {
  const [postgres, mongodb] = await Promise.all([stopLocalPostgres(env.dataDir), stopLocalFerretdb(env.dataDir)]);
  return { postgres, mongodb };
}
