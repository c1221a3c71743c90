/**
 * The stateful services of faasd/docker-compose.yaml, run on the host for the faasd suite (their images cannot
 * be pulled offline): Postgres with password logins, FerretDB on that Postgres with PLAIN auth, and the project's
 * S3 server — each on the kit's host address and the port the deployment guide gives it. Functions reach them
 * under their compose names (postgres, ferretdb, seaweedfs) through faasd's hosts file (see addServiceHosts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, readFileSync, appendFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import pg from 'pg';

import { getEnv, projectRoot } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { buildGoLauncher } from '#tools/services/buildGoLauncher.ts';
import { findPostgresBinDir } from '#tools/services/postgresServer.ts';

export type HostService = { readonly name: string; readonly stop: () => void };

/** The ports of faasd/docker-compose.yaml's services. */
export const SERVICE_PORTS = { postgres: 5432, ferretdb: 27017, seaweedfs: 8333 } as const;

const started: ChildProcess[] = [];
process.once('exit', () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
});

async function waitForPort(host: string, port: number, what: string, child?: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (child !== undefined && child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode} before it listened on ${host}:${port}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await sleep(100);
  }
  throw new Error(`${what} did not listen on ${host}:${port} within 30 s`);
}

/**
 * A Postgres cluster in `dir` listening on `address`:5432, password logins from anywhere (the functions come
 * through the kit's bridge), and what the postgres image does on a first start: the superuser `dataplatform`
 * with `password` (POSTGRES_USER, POSTGRES_PASSWORD_FILE), its database, then faasd/postgres-init/*.sql.
 */
export async function startHostPostgres(options: { readonly dir: string; readonly address: string; readonly password: string }): Promise<HostService> {
  const bin = await findPostgresBinDir();
  if (bin === undefined) throw new Error('no Postgres server programs on this machine (apt-get install postgresql)');
  const data = path.join(options.dir, 'data');
  mkdirSync(options.dir, { recursive: true });
  const { uid, gid } = userIds('postgres');
  chownSync(options.dir, uid, gid);
  const asPostgres = (program: string, args: readonly string[]): void => {
    const result = spawnSync('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args], { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  };
  asPostgres('initdb', ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync']);
  appendFileSync(path.join(data, 'pg_hba.conf'), 'host all all 0.0.0.0/0 scram-sha-256\n');
  const port = SERVICE_PORTS.postgres;
  asPostgres('pg_ctl', ['-D', data, '-l', path.join(options.dir, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -c listen_addresses=${options.address} -c unix_socket_directories=${options.dir} -c fsync=off`, 'start']);
  const admin = new pg.Client({ host: options.dir, port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE dataplatform SUPERUSER LOGIN PASSWORD ${pg.escapeLiteral(options.password)}`);
    await admin.query('CREATE DATABASE dataplatform OWNER dataplatform');
  } finally {
    await admin.end();
  }
  // The image runs the init scripts as POSTGRES_USER, connected to POSTGRES_DB.
  const initDir = path.join(projectRoot, 'faasd', 'postgres-init');
  const init = new pg.Client({ host: options.dir, port, user: 'dataplatform', database: 'dataplatform' });
  await init.connect();
  try {
    for (const file of readdirSync(initDir).filter((name) => name.endsWith('.sql')).sort()) {
      await init.query(readFileSync(path.join(initDir, file), 'utf8'));
    }
  } finally {
    await init.end();
  }
  return {
    name: `postgres ${options.address}:${port}`,
    stop: () => {
      spawnSync('runuser', ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop'], { timeout: 60_000 });
      rmSync(options.dir, { recursive: true, force: true });
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith(`${name}:`));
  if (line === undefined) throw new Error(`there is no ${name} user on this machine`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Starts one of the project's Go launchers (built into .data/bin once) and waits for its port. */
async function startLauncher(name: 'ferretdb' | 's3', args: readonly string[], address: string, port: number): Promise<HostService> {
  const binary = await buildGoLauncher(name, getEnv().dataDir, createLogger({ level: 'warn' }));
  let output = '';
  const child = spawn(binary, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  try {
    await waitForPort(address, port, name, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}:\n${output}`);
  }
  return { name: `${name} ${address}:${port}`, stop: () => void child.kill('SIGTERM') };
}

/** FerretDB on the host Postgres, as faasd/docker-compose.yaml runs it: no credentials in its URL, so each client's PLAIN login is passed on to Postgres. */
export function startHostFerretdb(address: string): Promise<HostService> {
  const port = SERVICE_PORTS.ferretdb;
  return startLauncher('ferretdb', ['--listen-addr', `${address}:${port}`, '--postgresql-url', `postgres://${address}:${SERVICE_PORTS.postgres}/ferretdb`, '--log-level', 'warn'], address, port);
}

/** The project's S3 server in place of SeaweedFS, with the raw bucket created, refusing requests not signed with the key pair. */
export function startHostS3(address: string, bucket: string, keys: { readonly accessKeyId: string; readonly secretAccessKey: string }): Promise<HostService> {
  const port = SERVICE_PORTS.seaweedfs;
  return startLauncher('s3', ['--listen-addr', `${address}:${port}`, '--bucket', bucket, '--access-key', keys.accessKeyId, '--secret-key', keys.secretAccessKey], address, port);
}

/**
 * Names the host services in faasd's hosts file (/var/lib/faasd/hosts, every function's /etc/hosts) the way
 * `faasd up` names its compose services — one `<address> <name>` line each — so functions reach them as
 * postgres:5432, ferretdb:27017 and seaweedfs:8333, exactly the URLs of the deployment guide.
 */
export function addServiceHosts(inNamespaces: (args: readonly string[]) => string, address: string): void {
  const lines = Object.keys(SERVICE_PORTS).map((name) => `${address}\t${name}`).join('\n');
  inNamespaces(['sh', '-c', `printf '\\n%s\\n' "$0" >> /var/lib/faasd/hosts`, lines]);
}
