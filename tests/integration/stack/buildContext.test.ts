/**
 * What goes into a function image: `faas-cli build --shrinkwrap -f stack.yml` (the real faas-cli
 * from $FAASD_KIT_BIN or PATH when there is one, else the emulation of its rules) on a copy of the
 * checkout, tools/, tests/ and bench/ included. Each context must hold the template, the
 * function's folder, shared/ and the package files — and nothing of the developer tools, the tests
 * or the benchmarks.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';
import { parseStack } from '#tools/gateway/parseStack.ts';
import { buildShrinkwrapContexts, copyCheckout, findFaasCli, type ShrinkwrapContexts } from '#support/shrinkwrap.ts';

type Context = { dir: string; build: ShrinkwrapContexts };
const contexts = suite<Context>('build contexts');
const stack = parseStack(readFileSync(path.join(projectRoot, 'stack.yml'), 'utf8'), 'stack.yml');

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

contexts.before(async (context) => {
  context.dir = mkdtempSync(path.join(os.tmpdir(), 'dp-contexts-'));
  copyCheckout(context.dir);
  context.build = await buildShrinkwrapContexts(context.dir, findFaasCli());
  process.stdout.write(`build contexts assembled by ${context.build.by}\n`);
});

contexts.after(({ dir }) => rmSync(dir, { recursive: true, force: true }));

contexts('one context per function of stack.yml', ({ build }) => {
  assert.equal(readdirSync(build.buildDir).sort(), Object.keys(stack.functions).sort());
});

contexts('each context is the template at its root and, under function/, the handler folder, shared/ and the package files — nothing else', ({ build }) => {
  const template = filesUnder(path.join(projectRoot, 'template', 'node24-ts'));
  const shared = filesUnder(path.join(projectRoot, 'shared')).map((file) => path.join('function', 'shared', file));
  for (const [name, fn] of Object.entries(stack.functions)) {
    const handler = filesUnder(path.join(projectRoot, fn.handler!)).map((file) => path.join('function', file));
    const expected = [...template, ...handler, ...shared, path.join('function', 'package.json'), path.join('function', 'package-lock.json')].sort();
    assert.equal(filesUnder(path.join(build.buildDir, name)), expected, name);
  }
});

contexts('no context holds a file of tools/, tests/ or bench/', ({ build }) => {
  for (const name of Object.keys(stack.functions)) {
    const leaked = filesUnder(path.join(build.buildDir, name)).filter((file) => /(^|\/)(tools|tests|bench)\//.test(file) || file.endsWith('.test.ts'));
    assert.equal(leaked, [], `${name} ships developer files`);
  }
});

contexts.run();
