/**
 * The project's own Postgres server for local runs and tests, from Debian's packages.
 * Started only when nothing answers at the configured URL; its files live under the data dir.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import pg from 'pg';

import { ConfigError } from '#platform/errors.ts';
import type { Logger } from '#platform/log.ts';
import { commandExists, runCommand } from './run.ts';
import { withAdminClient } from './withAdminClient.ts';

const POSTGRES_USER = 'postgres';

/** True when a Postgres server accepts a connection at `url` within `timeoutMs`. */
export async function isPostgresReachable(url: string, timeoutMs = 2_000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    // A server that answers "database does not exist" is reachable; the caller creates the database.
    return (error as { code?: unknown }).code === '3D000';
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates the database named in `url` when it does not exist yet. */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
  await withAdminClient(url, async (client) => {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        // Another process created it between our check and our CREATE.
        if (error.code !== '42P04') throw error;
      });
    }
  });
}

/** The folder of the newest installed Postgres server programs (pg_ctl, initdb), if any. */
export async function findPostgresBinDir(): Promise<string | undefined> {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = (await readdir(root)).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = path.join(root, version, 'bin');
      if (existsSync(path.join(dir, 'pg_ctl'))) {
        return dir;
      }
    }
  }
  if (await commandExists('pg_config')) {
    const { stdout } = await runCommand('pg_config', ['--bindir']);
    const dir = stdout.trim();
    if (existsSync(path.join(dir, 'pg_ctl'))) {
      return dir;
    }
  }
  return undefined;
}

const isRoot = (): boolean => process.getuid?.() === 0;

async function installPostgres(log: Logger): Promise<void> {
  if (!isRoot()) {
    throw new ConfigError('local.postgres_missing', 'Postgres is not installed and this user cannot install it. Run `sudo apt-get install postgresql`, or set DATABASE_URL to a server you already have.');
  }
  log.info('postgres.installing', { via: 'apt-get install postgresql' });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runCommand('apt-get', ['update', '-q'], { env, timeoutMs: 600_000 });
  await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'postgresql'], { env, timeoutMs: 900_000 });
}

/** Runs a Postgres tool as the `postgres` user when we are root (the server refuses to run as root). */
function asPostgresUser(binary: string, args: readonly string[]): Promise<unknown> {
  return isRoot() ? runCommand('runuser', ['-u', POSTGRES_USER, '--', binary, ...args]) : runCommand(binary, args);
}

/**
 * Picks the cluster folder: `<dataDir>/postgres`, or, when we are root and the `postgres` user
 * cannot reach that folder (a checkout under a private home), a folder under /var/tmp keyed by it.
 */
async function chooseClusterDir(dataDir: string): Promise<string> {
  const preferred = path.join(dataDir, 'postgres');
  await mkdir(preferred, { recursive: true });
  if (!isRoot()) {
    return preferred;
  }
  await runCommand('chown', [`${POSTGRES_USER}:${POSTGRES_USER}`, preferred]);
  try {
    await runCommand('runuser', ['-u', POSTGRES_USER, '--', 'test', '-w', preferred]);
    return preferred;
  } catch {
    const fallback = path.join('/var/tmp', `dataplatform-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`, 'postgres');
    await mkdir(fallback, { recursive: true });
    await runCommand('chown', ['-R', `${POSTGRES_USER}:${POSTGRES_USER}`, path.dirname(fallback)]);
    await writeFile(path.join(preferred, 'WHERE.txt'), `The postgres user cannot write here, so the cluster lives in ${fallback}.\n`);
    return fallback;
  }
}

export type StartPostgresOptions = {
  readonly dataDir: string;
  readonly port: number;
  readonly log: Logger;
};

/** Installs (if needed), initialises (if needed) and starts the local cluster; resolves once it accepts connections. */
export async function startLocalPostgres(options: StartPostgresOptions): Promise<void> {
  let binDir = await findPostgresBinDir();
  if (binDir === undefined) {
    await installPostgres(options.log);
    binDir = await findPostgresBinDir();
    if (binDir === undefined) {
      throw new ConfigError('local.postgres_missing', 'apt-get installed postgresql but no pg_ctl was found under /usr/lib/postgresql; set DATABASE_URL to a server you have.');
    }
  }
  const clusterDir = await chooseClusterDir(options.dataDir);
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    options.log.info('postgres.initdb', { dir: clusterDir });
    await asPostgresUser(path.join(binDir, 'initdb'), ['-D', clusterDir, '-U', POSTGRES_USER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  }
  const settings = [
    `-p ${options.port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${clusterDir}`,
    '-c max_connections=300',
    '-c shared_buffers=512MB',
    '-c maintenance_work_mem=256MB',
    '-c work_mem=32MB',
    // A local cluster: losing the last few commits on a power cut is acceptable, corruption is not (fsync stays on).
    '-c synchronous_commit=off',
    '-c max_wal_size=4GB',
  ].join(' ');
  options.log.info('postgres.starting', { port: options.port });
  await asPostgresUser(path.join(binDir, 'pg_ctl'), ['-D', clusterDir, '-l', path.join(clusterDir, 'server.log'), '-w', '-t', '120', '-o', settings, 'start']);
}

/** Stops the local cluster if it runs. */
export async function stopLocalPostgres(dataDir: string): Promise<boolean> {
  const binDir = await findPostgresBinDir();
  const clusterDir = await chooseClusterDir(dataDir);
  if (binDir === undefined || !existsSync(path.join(clusterDir, 'postmaster.pid'))) {
    return false;
  }
  await asPostgresUser(path.join(binDir, 'pg_ctl'), ['-D', clusterDir, '-m', 'fast', '-w', 'stop']);
  return true;
}
