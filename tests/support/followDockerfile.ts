/**
 * Lays out a function image's files without Docker by following the final stage of a build
 * context's Dockerfile: WORKDIR, COPY from the context (files, globs, folders), ENV, and the
 * `npm ci` of a RUN step, run for real with this machine's npm (from its cache when it can). The
 * other RUN steps (the watchdog's mode bits, the `app` user) and COPY --from another stage do not
 * shape the application's files and are left out.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, globSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { processEnvironment } from '#platform/env.ts';

export type ImageLayout = {
  /** The image's root folder on this machine. */
  readonly root: string;
  /** The last WORKDIR (where of-watchdog starts `fprocess`), as a path inside the image. */
  readonly workdir: string;
  /** Every ENV of the final stage. */
  readonly env: Readonly<Record<string, string>>;
};

/** Dockerfile instructions with continuation lines joined and comments dropped. */
function instructions(text: string): Array<{ keyword: string; rest: string }> {
  const joined = text.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n').replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), rest: rest.join(' ') };
    });
}

/** `ENV a="x" b=y` pairs. */
function parseEnv(rest: string): Array<[string, string]> {
  return [...rest.matchAll(/(\w+)=("([^"]*)"|\S+)/g)].map((match) => [match[1]!, match[3] ?? match[2]!]);
}

/** Follows the last stage of `<context>/Dockerfile` into `root`. */
export function followDockerfile(context: string, root: string): ImageLayout {
  const all = instructions(readFileSync(path.join(context, 'Dockerfile'), 'utf8'));
  const lastFrom = all.map((step) => step.keyword).lastIndexOf('FROM');
  let workdir = '/';
  const env: Record<string, string> = {};
  const inImage = (target: string): string => path.join(root, path.posix.resolve(workdir, target));
  for (const { keyword, rest } of all.slice(lastFrom + 1)) {
    if (keyword === 'WORKDIR') {
      workdir = path.posix.resolve(workdir, rest);
      mkdirSync(inImage('.'), { recursive: true });
    } else if (keyword === 'ENV') {
      for (const [key, value] of parseEnv(rest)) env[key] = value;
    } else if (keyword === 'COPY' && !rest.startsWith('--from')) {
      const words = rest.split(/\s+/).filter((word) => !word.startsWith('--'));
      const target = inImage(words.pop()!);
      mkdirSync(target, { recursive: true });
      for (const source of words.flatMap((pattern) => globSync(pattern, { cwd: context }))) {
        const from = path.join(context, source);
        // A folder's contents go into the target; a file goes into it by its name (the targets here end in /).
        cpSync(from, statSync(from).isDirectory() ? target : path.join(target, path.basename(source)), { recursive: true });
      }
    } else if (keyword === 'RUN') {
      for (const command of rest.split('&&').map((part) => part.trim().split(/\s+/))) {
        if (command[0] !== 'npm' || command[1] !== 'ci') continue;
        const install = spawnSync('npm', [...command.slice(1), '--prefer-offline'], { cwd: inImage('.'), encoding: 'utf8', env: { ...processEnvironment(), ...env } });
        if (install.status !== 0) throw new Error(`RUN ${command.join(' ')} failed in ${workdir}:\n${install.stdout}${install.stderr}`);
      }
    }
  }
  return { root, workdir, env };
}
