/**
 * The project's own MongoDB-wire server for local runs and tests: FerretDB 1.24 on its PostgreSQL backend,
 * as deployed on faasd (faasd/docker-compose.yaml): the documents live in the database `ferretdb` of the
 * project's Postgres, FerretDB's own connection string carries no credentials, and every client logs in with
 * PLAIN auth as a Postgres role (the local default MONGODB_URL does, as the role of DATABASE_URL). The server
 * is built with `go install` from the Go module proxy into `<dataDir>/bin` the first time it is needed (see
 * buildGoLauncher.ts).
 */
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { MongoClient } from 'mongodb';

import { PlatformError } from '#platform/errors.ts';
import type { Logger } from '#platform/log.ts';
import { buildGoLauncher } from './buildGoLauncher.ts';
import { ensureDatabaseExists } from './postgresServer.ts';

/** The Postgres database holding FerretDB's documents (one schema per MongoDB database), as on faasd. */
export const FERRETDB_DATABASE = 'ferretdb';

/**
 * FerretDB's connection string: the server of `databaseUrl`, database `storage` (default `ferretdb`), no
 * credentials — so a client that does not log in is refused, and one that does reaches Postgres as its own role.
 */
export function ferretdbPostgresUrl(databaseUrl: string, storage = FERRETDB_DATABASE): string {
  const url = new URL(databaseUrl);
  url.username = '';
  url.password = '';
  url.pathname = `/${storage}`;
  url.search = '';
  return url.toString();
}

/** True when a MongoDB-wire server answers a ping at `url` within `timeoutMs`. */
export async function isMongoReachable(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export type StartFerretdbOptions = {
  readonly dataDir: string;
  readonly port: number;
  /** The project's Postgres (DATABASE_URL): FerretDB keeps its documents in its database `ferretdb`, created when missing. */
  readonly databaseUrl: string;
  /** The URL clients use (PLAIN auth as a Postgres role); the start is confirmed by a ping through it. */
  readonly mongodbUrl: string;
  /** The Postgres database of the documents. Default `ferretdb`. */
  readonly storageDatabase?: string;
  readonly log: Logger;
};

const pidFile = (dataDir: string): string => path.join(dataDir, 'ferretdb', 'ferretdb.pid');

/** Builds (if needed) and starts FerretDB in the background on the PostgreSQL backend; resolves once it answers a ping. */
export async function startLocalFerretdb(options: StartFerretdbOptions): Promise<void> {
  const binary = await buildGoLauncher('ferretdb', options.dataDir, options.log);
  const stateDir = path.join(options.dataDir, 'ferretdb');
  await mkdir(stateDir, { recursive: true });
  const storage = new URL(options.databaseUrl);
  storage.pathname = `/${options.storageDatabase ?? FERRETDB_DATABASE}`;
  await ensureDatabaseExists(storage.toString());
  const logFd = openSync(path.join(stateDir, 'ferretdb.log'), 'a');
  const child = spawn(binary, ['--listen-addr', `127.0.0.1:${options.port}`, '--postgresql-url', ferretdbPostgresUrl(options.databaseUrl, options.storageDatabase), '--log-level', 'warn'], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  child.unref();
  if (child.pid === undefined) {
    throw new PlatformError('local.ferretdb_failed', `FerretDB did not start; see ${path.join(stateDir, 'ferretdb.log')}.`);
  }
  await writeFile(pidFile(options.dataDir), String(child.pid));
  options.log.info('ferretdb.starting', { port: options.port });
  for (let attempt = 0; attempt < 60; attempt += 1) {
    if (await isMongoReachable(options.mongodbUrl, 1_000)) {
      return;
    }
    if (child.exitCode !== null) {
      break;
    }
    await sleep(250);
  }
  throw new PlatformError('local.ferretdb_failed', `FerretDB did not answer on port ${options.port}; see ${path.join(stateDir, 'ferretdb.log')}.`);
}

/** Stops the FerretDB started by `startLocalFerretdb`, if it runs. */
export async function stopLocalFerretdb(dataDir: string): Promise<boolean> {
  const file = pidFile(dataDir);
  if (!existsSync(file)) {
    return false;
  }
  const pid = Number(await readFile(file, 'utf8'));
  await rm(file, { force: true });
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return false;
  }
  for (let attempt = 0; attempt < 40; attempt += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await sleep(100);
  }
  process.kill(pid, 'SIGKILL');
  return true;
}
