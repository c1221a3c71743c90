/**
 * The compose files, loaded by the parsers that will read them (tools/compose-check, on compose-go):
 * docker-compose.yml and its optional files as `docker compose` loads them with nothing but the `.env` the
 * deployment guide documents; faasd/docker-compose.yaml and cron/docker-compose.yaml appended to faasd's own
 * compose file with the guide's command, then loaded as faasd 0.19.0 loads it, with faasd's rules.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

import { getEnv, projectRoot } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { buildGoLauncher } from '#tools/services/buildGoLauncher.ts';

type Context = { checker: string; dir: string };
const compose = suite<Context>('compose files');

/** The `.env` of docs/deployment.md, and what each optional file adds to it. */
const DOTENV = 'DOMAIN=home.example\nACME_EMAIL=you@example.com\n';
const DATABASES_ENV = 'POSTGRES_PASSWORD=0f2d9c\n';
const SECRETS_ENV = 'INFISICAL_ENCRYPTION_KEY=00112233445566778899aabbccddeeff\nINFISICAL_AUTH_SECRET=ffeeddccbbaa\n';
/** The guide's command that appends a file's services to faasd's compose file. */
const APPEND = `sed -n '/^services:/,$p' "$0" | sed 1d >> "$1"`;

compose.before(async (context) => {
  context.checker = await buildGoLauncher('compose-check', getEnv().dataDir, createLogger({ level: 'warn' }), path.join('tools', 'compose-check'));
  context.dir = mkdtempSync(path.join(os.tmpdir(), 'dp-compose-'));
});
compose.after(({ dir }) => rmSync(dir, { recursive: true, force: true }));

function check(context: Context, args: readonly string[]): { ok: boolean; out: string } {
  const result = spawnSync(context.checker, args, { cwd: projectRoot, encoding: 'utf8' });
  assert.ok(result.status === 0 || result.status === 1, `compose-check ran: ${result.stderr}`);
  return { ok: result.status === 0, out: `${result.stdout}${result.stderr}` };
}

function envFile(context: Context, name: string, text: string): string {
  const file = path.join(context.dir, name);
  writeFileSync(file, text);
  return file;
}

compose('docker-compose.yml loads with only the documented .env, and each optional file with the variables it names', (context) => {
  const base = check(context, ['docker', '--env-file', envFile(context, 'base.env', DOTENV), 'docker-compose.yml']);
  assert.ok(base.ok, base.out);
  assert.match(base.out, 'ok: 3 services: portainer, traefik, watchtower');
  const databases = check(context, ['docker', '--env-file', envFile(context, 'databases.env', DOTENV + DATABASES_ENV), 'docker-compose.yml', 'docker-compose.databases.yml']);
  assert.ok(databases.ok, databases.out);
  const secrets = check(context, ['docker', '--env-file', envFile(context, 'secrets.env', DOTENV + DATABASES_ENV + SECRETS_ENV), 'docker-compose.yml', 'docker-compose.databases.yml', 'docker-compose.secrets.yml']);
  assert.ok(secrets.ok, secrets.out);
  assert.match(secrets.out, 'infisical');
});

compose('the checker sees what docker compose refuses: a required variable of a file the command reads (profiles do not hide it)', (context) => {
  const missing = check(context, ['docker', '--env-file', envFile(context, 'only.env', DOTENV), 'docker-compose.yml', 'docker-compose.databases.yml']);
  assert.not.ok(missing.ok);
  assert.match(missing.out, 'required variable POSTGRES_PASSWORD is missing a value');
  const profiled = path.join(context.dir, 'profiled.yml');
  writeFileSync(profiled, 'services:\n  web:\n    image: nginx\n  db:\n    image: postgres\n    profiles: [databases]\n    environment:\n      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD:?set it}\n');
  assert.not.ok(check(context, ['docker', '--env-file', path.join(context.dir, 'only.env'), profiled]).ok, 'a profile-only service still needs its variables');
});

compose('the images speak the Docker API that Engine 29 accepts: Traefik 3.6.1 or newer, the maintained Watchtower fork', () => {
  const services = (parse(readFileSync(path.join(projectRoot, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { image: string }> }).services;
  const traefik = /traefik:v(\d+)\.(\d+)\.(\d+)$/.exec(services.traefik!.image);
  assert.ok(traefik !== null, `traefik is pinned to a release: ${services.traefik!.image}`);
  const [major, minor, patch] = traefik.slice(1).map(Number) as [number, number, number];
  assert.ok(major > 3 || (major === 3 && (minor > 6 || (minor === 6 && patch >= 1))), `traefik ${services.traefik!.image} is 3.6.1 or newer`);
  assert.not.match(services.watchtower!.image, 'containrrr/', 'containrrr/watchtower is archived');
  assert.match(services.watchtower!.image, /^docker\.io\/nickfedor\/watchtower:\d+\.\d+\.\d+$/);
});

compose("faasd's compose file with the project's services appended by the guide's command loads as faasd loads it", (context) => {
  const merged = path.join(context.dir, 'docker-compose.yaml');
  copyFileSync(path.join(projectRoot, 'tests', 'integration', 'tools', 'fixtures', 'faasd-core.yaml'), merged);
  for (const file of ['faasd/docker-compose.yaml', 'cron/docker-compose.yaml']) {
    const appended = spawnSync('sh', ['-c', APPEND, path.join(projectRoot, file), merged], { encoding: 'utf8' });
    assert.is(appended.status, 0, appended.stderr);
  }
  const result = check(context, ['faasd', merged]);
  assert.ok(result.ok, result.out);
  assert.match(result.out, 'backup-agent, cron-connector, ferretdb, gateway, nats, postgres, queue-worker, seaweedfs');
});

compose('faasd rules the checker enforces: a non-root service cannot read the root-only secrets (the postgres uid 70 bug), volumes are bind mounts', (context) => {
  const file = path.join(context.dir, 'broken.yaml');
  writeFileSync(file, 'version: "3.7"\nservices:\n  postgres:\n    image: docker.io/library/postgres:16-alpine\n    user: "70:70"\n    volumes:\n      - type: bind\n        source: ./secrets/postgres-password\n        target: /run/secrets/postgres-password\n  cache:\n    image: redis\n    volumes:\n      - type: volume\n        source: data\n        target: /data\n    depends_on: [queue]\nvolumes:\n  data:\n');
  const result = check(context, ['faasd', file]);
  assert.not.ok(result.ok);
  assert.match(result.out, 'service postgres runs as user "70:70" but mounts secrets/postgres-password');
  assert.match(result.out, 'faasd supports bind mounts only');
  assert.match(result.out, 'service cache depends on queue');
});

compose.run();
