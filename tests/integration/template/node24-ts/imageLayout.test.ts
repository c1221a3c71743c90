/**
 * The container's code path without Docker: a faas-cli build context, rearranged by the
 * template's own layout.sh (the script the Dockerfile runs), and started as the image starts it
 * (`fprocess`, Node 24 running the TypeScript as it is). Proves that a handler importing
 * `#pipeline/…` and friends resolves and serves in the image layout, not only in the repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';

import { processEnvironment, projectRoot } from '#platform/env.ts';
import { parseStack } from '#tools/gateway/parseStack.ts';
import { startFunctionProcess, type FunctionProcess } from '#tools/gateway/startFunctionProcess.ts';
import { assembleBuildContext } from '#support/assembleBuildContext.ts';

type Context = { dir: string; out: string; fn?: FunctionProcess };
const layout = suite<Context>('node24-ts image layout');
const stack = parseStack(readFileSync(path.join(projectRoot, 'stack.yml'), 'utf8'), 'stack.yml');

layout.before(async (context) => {
  context.dir = mkdtempSync(path.join(os.tmpdir(), 'dp-image-'));
  context.out = path.join(context.dir, 'home-app');
  await assembleBuildContext(stack, projectRoot, 'orchestrator', path.join(context.dir, 'context'));
});

layout.after(async ({ dir, fn }) => {
  await fn?.stop();
  rmSync(dir, { recursive: true, force: true });
});

layout('layout.sh puts the handler at functions/function/ and shared/ beside it, as in the repository', ({ dir, out }) => {
  const result = spawnSync('sh', [path.join(dir, 'context', 'layout.sh'), path.join(dir, 'context'), out], { encoding: 'utf8' });
  assert.is(result.status, 0, result.stderr);
  assert.ok(existsSync(path.join(out, 'functions', 'function', 'handler.ts')));
  assert.ok(existsSync(path.join(out, 'shared', 'orchestrator', 'api', 'createOrchestratorHandler.ts')));
  assert.ok(existsSync(path.join(out, 'template', 'node24-ts', 'index.ts')));
  assert.ok(existsSync(path.join(out, 'package-lock.json')));
  assert.not.ok(existsSync(path.join(out, 'functions', 'function', 'shared')), 'shared/ is not left inside the handler folder');
});

layout("the entrypoint named by template.yml's fprocess serves the handler", async (context) => {
  // The image installs the production dependencies beside package.json; the repository's serve here.
  symlinkSync(path.join(projectRoot, 'node_modules'), path.join(context.out, 'node_modules'), 'dir');
  const template = parse(readFileSync(path.join(projectRoot, 'template', 'node24-ts', 'template.yml'), 'utf8')) as { fprocess: string };
  const entrypoint = path.join(context.out, template.fprocess.replace(/^node /, ''));
  assert.ok(existsSync(entrypoint), `${template.fprocess} exists in the image layout`);
  context.fn = await startFunctionProcess({
    name: 'orchestrator',
    entrypoint,
    handlerPath: path.join(context.out, 'functions', 'function', 'handler.ts'),
    env: { ...processEnvironment(), DP_LOG_LEVEL: 'error' },
    output: () => undefined,
  });
  const health = await fetch(`http://127.0.0.1:${context.fn.port}/_/health`);
  assert.is(health.status, 200);
  // A request the handler routes and refuses before it needs a database.
  const refused = await fetch(`http://127.0.0.1:${context.fn.port}/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: 'Not A Name!' }) });
  assert.is(refused.status, 400);
  assert.match(((await refused.json()) as { error: { message: string } }).error.message, /start-runs request/);
});

layout('without shared/ in the build context (configuration.copy forgotten) layout.sh stops with the fix', ({ dir }) => {
  rmSync(path.join(dir, 'context', 'function', 'shared'), { recursive: true });
  const result = spawnSync('sh', [path.join(dir, 'context', 'layout.sh'), path.join(dir, 'context'), path.join(dir, 'other')], { encoding: 'utf8' });
  assert.is(result.status, 1);
  assert.match(result.stderr, /configuration\.copy/);
});

layout.run();
