/**
 * `faas-cli build --shrinkwrap` on stack.yml: faas-cli itself assembles every function's build
 * context (template + handler + configuration.copy), and the template's layout.sh must accept it.
 *
 * faas-cli is installed with `go install` into .data/bin when it is not there yet. Where that is
 * impossible — the Go module proxy refuses the module, there is no network, or no Go toolchain —
 * the test says why and checks that this is really the reason (uvu has no skip), so any other
 * install failure still fails the test.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { getEnv, processEnvironment, projectRoot } from '#platform/env.ts';

const FAAS_CLI_MODULE = 'github.com/openfaas/faas-cli@v0.17.8';
const binDir = path.join(getEnv().dataDir, 'bin');

/** Output of a go install that failed because the module cannot be fetched here, not because of the project. */
const UNAVAILABLE = [
  /\b(403 Forbidden|404 Not Found|410 Gone)\b/,
  /This module version is not available/,
  /dial tcp|no such host|i\/o timeout|connection refused|network is unreachable/,
  /module lookup disabled by GOPROXY=off/,
];

function findFaasCli(): string | undefined {
  const local = path.join(binDir, 'faas-cli');
  if (existsSync(local)) return local;
  const onPath = spawnSync('sh', ['-c', 'command -v faas-cli'], { encoding: 'utf8' });
  return onPath.status === 0 ? onPath.stdout.trim() : undefined;
}

test('faas-cli build --shrinkwrap assembles every function of stack.yml, and layout.sh accepts the result', () => {
  let faasCli = findFaasCli();
  if (faasCli === undefined) {
    const go = spawnSync('go', ['version'], { encoding: 'utf8' });
    if (go.error !== undefined) {
      process.stdout.write(`SKIPPED faas-cli build --shrinkwrap: no Go toolchain to install faas-cli with (${go.error.message}).\n`);
      assert.is((go.error as NodeJS.ErrnoException).code, 'ENOENT');
      return;
    }
    mkdirSync(binDir, { recursive: true });
    const install = spawnSync('go', ['install', FAAS_CLI_MODULE], { encoding: 'utf8', env: { ...processEnvironment(), GOBIN: binDir }, timeout: 8 * 60_000 });
    if (install.status !== 0) {
      const output = `${install.stdout}${install.stderr}`.trim();
      process.stdout.write(`SKIPPED faas-cli build --shrinkwrap: \`go install ${FAAS_CLI_MODULE}\` is impossible here:\n${output}\n`);
      assert.ok(UNAVAILABLE.some((pattern) => pattern.test(output)), `go install failed for another reason than an unavailable module:\n${output}`);
      return;
    }
    faasCli = path.join(binDir, 'faas-cli');
  }

  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-faas-cli-'));
  try {
    for (const entry of ['stack.yml', 'template', 'functions', 'shared', 'package.json', 'package-lock.json']) {
      cpSync(path.join(projectRoot, entry), path.join(dir, entry), { recursive: true });
    }
    const build = spawnSync(faasCli, ['build', '--shrinkwrap', '-f', 'stack.yml'], { cwd: dir, encoding: 'utf8', env: { ...processEnvironment(), DP_REGISTRY: 'registry.test' } });
    assert.is(build.status, 0, `${build.stdout}${build.stderr}`);
    for (const name of ['orchestrator', 'bronze', 'silver', 'gold', 'files', 'rest', 'ynab']) {
      const context = path.join(dir, 'build', name);
      assert.ok(existsSync(path.join(context, 'Dockerfile')), `${name}: Dockerfile`);
      assert.ok(existsSync(path.join(context, 'function', 'handler.ts')), `${name}: function/handler.ts`);
      assert.ok(existsSync(path.join(context, 'function', 'shared', 'platform', 'env.ts')), `${name}: function/shared (configuration.copy)`);
    }
    const laidOut = spawnSync('sh', [path.join(dir, 'build', 'bronze', 'layout.sh'), path.join(dir, 'build', 'bronze'), path.join(dir, 'image')], { encoding: 'utf8' });
    assert.is(laidOut.status, 0, laidOut.stderr);
    assert.ok(existsSync(path.join(dir, 'image', 'functions', 'function', 'handler.ts')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
