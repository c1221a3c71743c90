/** stack.yml against the OpenFaaS stack rules and the platform's own conventions. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

import { projectRoot } from '#platform/env.ts';
import { loadMetadata } from '#metadata/loadMetadata.ts';
import { parseDuration } from '#tools/gateway/parseDuration.ts';
import { parseStack } from '#tools/gateway/parseStack.ts';
import { MAX_FUNCTIONS, validateStack } from '#tools/gateway/validateStack.ts';

const file = path.join(projectRoot, 'stack.yml');
const stack = parseStack(readFileSync(file, 'utf8'), file);
const functions = Object.entries(stack.functions);

test('stack.yml passes every OpenFaaS rule (provider, langs, handler folders, secrets, copy, limits, timeouts, schedules)', () => {
  assert.equal(validateStack(stack, { stackDir: projectRoot }), []);
  assert.is(stack.provider.name, 'openfaas');
  assert.ok(functions.length <= MAX_FUNCTIONS);
});

test('one function per connector kind and per layer step, each with its own folder and the node24-ts template', () => {
  assert.equal(functions.map(([name]) => name).sort(), ['backup', 'bronze', 'console', 'files', 'gold', 'orchestrator', 'rest', 'silver', 'ynab']);
  for (const [name, fn] of functions) {
    assert.is(fn.lang, 'node24-ts', name);
    assert.is(path.normalize(fn.handler!), path.normalize(`functions/${name}`), name);
    assert.ok(existsSync(path.join(projectRoot, 'functions', name, 'handler.ts')), `functions/${name}/handler.ts`);
    assert.ok(existsSync(path.join(projectRoot, 'template', fn.lang!, 'template.yml')));
  }
});

test('schedules: the orchestrator reconciles every minute, the connectors start pipelines, backups are requested nightly, the layer steps and the console have none', () => {
  assert.equal(stack.functions.orchestrator!.annotations, { topic: 'cron-function', schedule: '* * * * *' });
  assert.equal(stack.functions.backup!.annotations, { topic: 'cron-function', schedule: '15 3 * * *' });
  for (const name of ['files', 'rest', 'ynab']) {
    assert.is(stack.functions[name]!.annotations.topic, 'cron-function', name);
    assert.type(stack.functions[name]!.annotations.schedule, 'string', name);
  }
  for (const name of ['bronze', 'silver', 'gold', 'console']) {
    assert.equal(stack.functions[name]!.annotations, {}, name);
  }
});

test('every secret file an environment variable points at is a secret the function lists', () => {
  for (const [name, fn] of functions) {
    for (const [key, value] of Object.entries(fn.environment)) {
      const secret = /^\/var\/openfaas\/secrets\/(.+)$/.exec(value);
      if (secret === null) continue;
      assert.ok(fn.secrets.includes(secret[1]!), `${name}: ${key} needs secret ${secret[1]}`);
    }
    assert.ok(fn.secrets.includes('database-url'), `${name} lists database-url`);
  }
  for (const name of ['files', 'rest', 'ynab', 'bronze']) {
    assert.match(stack.functions[name]!.environment.DP_RAW_STORE_URL ?? '', /^s3:\/\//, `${name} reads or writes raw files through the object store`);
  }
  for (const name of ['bronze', 'silver']) {
    assert.ok(stack.functions[name]!.environment.MONGODB_URL_FILE !== undefined, `${name} reaches the bronze store`);
  }
  const files = stack.functions.files!.environment;
  assert.equal([files.DP_INBOX_URL, files.DP_ARCHIVE_URL], ['s3://dataplatform-raw/inbox', 's3://dataplatform-raw/archive'], 'on faasd the files inbox is in the bucket, not in the container');
});

test('the step budget ends before the watchdog timeout, which ends before faasd gives up at 60 s', () => {
  for (const [name, fn] of functions) {
    const exec = parseDuration(fn.environment.exec_timeout!)!;
    const write = parseDuration(fn.environment.write_timeout!)!;
    assert.ok(Number(fn.environment.DP_STEP_BUDGET_MS) + 10_000 <= exec, `${name}: budget leaves 10 s to commit and answer`);
    assert.ok(exec < write && write <= 60_000, name);
    assert.is(fn.environment.DP_FUNCTION_NAME, name);
    assert.is(fn.environment.DP_GATEWAY_URL, 'http://gateway:8080');
  }
});

test('every secret the shipped metadata references is listed on the function that reads it', async () => {
  const metadata = await loadMetadata(path.join(projectRoot, 'metadata'));
  for (const source of metadata.sources) {
    const connector = stack.functions[source.connector];
    assert.ok(connector !== undefined, `source ${source.source}: connector ${source.connector} is a function in stack.yml`);
    for (const secret of Object.values(source.secrets)) {
      assert.ok(connector.secrets.includes(secret), `${source.connector} lists ${secret} (source ${source.source})`);
    }
    if (source.webhook_secret !== undefined) {
      assert.ok(stack.functions.orchestrator!.secrets.includes(source.webhook_secret), `orchestrator lists ${source.webhook_secret} (source ${source.source})`);
    }
  }
});

test("the README's function budget table lists exactly the functions of stack.yml", () => {
  const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Functions'));
  const rows = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((match) => match[1]);
  assert.equal(rows.sort(), functions.map(([name]) => name).sort());
  assert.match(section, new RegExp(`${functions.length} of ${MAX_FUNCTIONS}`));
});

test('the template, its Dockerfile and the image entrypoint agree', () => {
  const template = parse(readFileSync(path.join(projectRoot, 'template', 'node24-ts', 'template.yml'), 'utf8')) as { language: string; fprocess: string };
  const dockerfile = readFileSync(path.join(projectRoot, 'template', 'node24-ts', 'Dockerfile'), 'utf8');
  assert.is(template.language, 'node24-ts');
  assert.ok(dockerfile.includes(`fprocess="${template.fprocess}"`), 'Dockerfile fprocess = template.yml fprocess');
  assert.match(dockerfile, /ARG NODE_IMAGE=node:24-/);
  assert.match(dockerfile, /^USER app$/m);
  assert.match(dockerfile, /mode="http"/);
  assert.match(dockerfile, /ghcr\.io\/openfaas\/of-watchdog:/);
});

test('the faasd additions define the services the stack environment and docs name', () => {
  const faasd = parse(readFileSync(path.join(projectRoot, 'faasd', 'docker-compose.yaml'), 'utf8')) as { services: Record<string, unknown> };
  assert.equal(Object.keys(faasd.services).sort(), ['backup-agent', 'ferretdb', 'postgres', 'seaweedfs']);
  const cron = parse(readFileSync(path.join(projectRoot, 'cron', 'docker-compose.yaml'), 'utf8')) as { services: { 'cron-connector': { environment: string[]; image: string } } };
  assert.ok(cron.services['cron-connector'].environment.includes('gateway_url=http://gateway:8080'));
  // A released tag, never latest: faasd pulls the image on every restart, and the faasd suite runs 0.7.0.
  assert.match(cron.services['cron-connector'].image, /^ghcr\.io\/openfaas\/cron-connector:\d+\.\d+\.\d+$/);
  const companion = (file: string): string[] => Object.keys((parse(readFileSync(path.join(projectRoot, file), 'utf8')) as { services: Record<string, unknown> }).services).sort();
  assert.equal(companion('docker-compose.yml'), ['portainer', 'traefik', 'watchtower']);
  assert.equal(companion('docker-compose.databases.yml'), ['mongo', 'postgres']);
  assert.equal(companion('docker-compose.secrets.yml'), ['infisical', 'redis']);
});

test.run();
