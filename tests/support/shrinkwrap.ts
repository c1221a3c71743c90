/**
 * The functions' build contexts, as `faas-cli build --shrinkwrap -f stack.yml` writes them to
 * `build/<function>/`: by the real faas-cli when there is one ($FAASD_KIT_BIN/faas-cli, else
 * `faas-cli` on PATH), else by the emulation of its rules (assembleBuildContext).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { processEnvironment, projectRoot } from '#platform/env.ts';
import { parseStack } from '#tools/gateway/parseStack.ts';
import { assembleBuildContext } from './assembleBuildContext.ts';

/** faas-cli's path: `$FAASD_KIT_BIN/faas-cli` when that is executable, else the first `faas-cli` on PATH; undefined when neither. */
export function findFaasCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const folders = [...(env.FAASD_KIT_BIN ? [env.FAASD_KIT_BIN] : []), ...(env.PATH ?? '').split(path.delimiter).filter(Boolean)];
  for (const folder of folders) {
    const candidate = path.join(folder, 'faas-cli');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; the next folder
    }
  }
  return undefined;
}

/** What the repository holds besides dependencies, state and build output: what a user's checkout has. */
const SKIPPED = new Set(['node_modules', '.git', '.data', 'build']);

/** Copies the checkout (tools/, tests/ and bench/ included, so a build that took them would show it) into `dir`. */
export function copyCheckout(dir: string): void {
  cpSync(projectRoot, dir, { recursive: true, filter: (source) => !SKIPPED.has(path.relative(projectRoot, source).split(path.sep)[0]!) });
}

export type ShrinkwrapContexts = {
  /** The folder holding one build context per function (`<dir>/build`). */
  readonly buildDir: string;
  /** Who assembled them. */
  readonly by: 'faas-cli' | 'emulation';
};

/**
 * Builds every function's context of the checkout in `dir` (see copyCheckout) into `<dir>/build/`,
 * with `faasCli` when given, else by the emulation.
 */
export async function buildShrinkwrapContexts(dir: string, faasCli: string | undefined): Promise<ShrinkwrapContexts> {
  const buildDir = path.join(dir, 'build');
  if (faasCli !== undefined) {
    const build = spawnSync(faasCli, ['build', '--shrinkwrap', '-f', 'stack.yml'], { cwd: dir, encoding: 'utf8', env: processEnvironment() });
    if (build.status !== 0) {
      throw new Error(`${faasCli} build --shrinkwrap -f stack.yml failed (${build.status ?? build.error?.message}):\n${build.stdout}${build.stderr}`);
    }
    return { buildDir, by: 'faas-cli' };
  }
  const stack = parseStack(readFileSync(path.join(dir, 'stack.yml'), 'utf8'), 'stack.yml');
  for (const name of Object.keys(stack.functions)) {
    await assembleBuildContext(stack, dir, name, path.join(buildDir, name));
  }
  return { buildDir, by: 'emulation' };
}
