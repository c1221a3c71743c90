/**
 * A function image without Docker: the orchestrator's build context (by faas-cli when there is
 * one, else by its rules), laid out by following the template's Dockerfile (npm ci included), then
 * started exactly as of-watchdog starts it: `fprocess` in the image's WORKDIR with the image's
 * environment, and no DP_FUNCTION_HANDLER — the template finds function/handler.ts itself. Proves
 * that the template needs nothing but Node, and that the handler's `#pipeline/…` aliases resolve
 * inside function/ against the package.json copied there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

import { processEnvironment, projectRoot } from '#platform/env.ts';
import { parseDuration } from '#tools/gateway/parseDuration.ts';
import { readServerSettings } from '#template/readServerSettings.ts';
import { freePort } from '#support/freePort.ts';
import { followDockerfile, type ImageLayout } from '#support/followDockerfile.ts';
import { buildShrinkwrapContexts, copyCheckout, findFaasCli } from '#support/shrinkwrap.ts';

type Context = { dir: string; image: ImageLayout; child?: ChildProcess; lines: string[] };
const layout = suite<Context>('node24-ts image layout');

layout.before(async (context) => {
  context.dir = mkdtempSync(path.join(os.tmpdir(), 'dp-image-'));
  context.lines = [];
  copyCheckout(path.join(context.dir, 'checkout'));
  const { buildDir } = await buildShrinkwrapContexts(path.join(context.dir, 'checkout'), findFaasCli());
  context.image = followDockerfile(path.join(buildDir, 'orchestrator'), path.join(context.dir, 'image'));
});

layout.after(({ dir, child }) => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

layout('the image holds the template in /home/app and the function, its shared/ and its production dependencies in /home/app/function', ({ image }) => {
  const app = path.join(image.root, 'home', 'app');
  assert.is(image.workdir, '/home/app');
  assert.equal(readdirSync(app).sort(), [...readdirSync(path.join(projectRoot, 'template', 'node24-ts')).filter((file) => file.endsWith('.ts') || file === 'package.json'), 'function'].sort());
  assert.equal(JSON.parse(readFileSync(path.join(app, 'package.json'), 'utf8')).dependencies, undefined, 'the template has no dependencies');
  assert.ok(existsSync(path.join(app, 'function', 'handler.ts')));
  assert.ok(existsSync(path.join(app, 'function', 'shared', 'orchestrator', 'api', 'createOrchestratorHandler.ts')));
  assert.ok(existsSync(path.join(app, 'function', 'node_modules', 'slonik')), 'production dependencies installed');
  assert.not.ok(existsSync(path.join(app, 'function', 'node_modules', 'typescript')), 'no development dependencies');
  for (const absent of ['tools', 'tests', 'bench']) {
    assert.not.ok(existsSync(path.join(app, absent)) || existsSync(path.join(app, 'function', absent)), `${absent}/ stays out of the image`);
  }
});

layout("the Dockerfile's fprocess is template.yml's", ({ image }) => {
  const template = parse(readFileSync(path.join(projectRoot, 'template', 'node24-ts', 'template.yml'), 'utf8')) as { fprocess: string };
  assert.is(image.env.fprocess, template.fprocess);
  assert.is(image.env.fprocess, 'node index.ts');
});

layout('after SIGTERM the watchdog and the function are gone well inside the 30 s faasd waits before it kills (and fails the deploy)', ({ image }) => {
  const interval = parseDuration(image.env.healthcheck_interval ?? image.env.write_timeout ?? '')!;
  const { drainMs } = readServerSettings(image.env, '/home/app');
  assert.ok(interval <= 10_000, `healthcheck_interval ${image.env.healthcheck_interval} (of-watchdog waits that long after SIGTERM; its default is write_timeout)`);
  assert.ok(drainMs + 5_000 <= 30_000, `the drain (${drainMs} ms) leaves room before faasd's kill`);
});

layout('started as of-watchdog starts it, the entrypoint loads function/handler.ts and serves it', async (context) => {
  const { image } = context;
  const port = await freePort();
  const [command, ...args] = image.env.fprocess!.split(' ');
  assert.is(command, 'node');
  // The environment of the container: the image's ENV over the function's own (stack.yml), no DP_FUNCTION_HANDLER;
  // only the port differs from the image's 3000, so that tests running side by side do not collide.
  const { DP_FUNCTION_HANDLER: _none, ...inherited } = processEnvironment();
  const child = spawn(process.execPath, args, {
    cwd: path.join(image.root, image.workdir),
    env: { ...inherited, ...image.env, DP_FUNCTION_PORT: String(port), DP_FUNCTION_NAME: 'orchestrator', DP_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  context.child = child;
  createInterface({ input: child.stdout! }).on('line', (line) => context.lines.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => context.lines.push(line));
  let health: Response | undefined;
  for (let attempt = 0; attempt < 100 && health === undefined && child.exitCode === null; attempt += 1) {
    health = await fetch(`http://127.0.0.1:${port}/_/health`).catch(() => undefined);
    if (health === undefined) await sleep(100);
  }
  assert.ok(health !== undefined, `the function listens; its output:\n${context.lines.join('\n')}`);
  assert.is(health.status, 200);
  const listening = context.lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.event === 'function.listening');
  assert.is(listening?.handler, path.join(image.root, 'home', 'app', 'function', 'handler.ts'));
  assert.is(listening?.fn, 'orchestrator');
  // A request the handler routes and refuses before it needs a database.
  const refused = await fetch(`http://127.0.0.1:${port}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'Not A Name!' }) });
  assert.is(refused.status, 400);
  assert.match(((await refused.json()) as { error: { message: string } }).error.message, /start-runs request/);
});

layout.run();
