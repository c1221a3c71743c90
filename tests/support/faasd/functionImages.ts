/**
 * The faasd suite's function images: each `faas-cli build --shrinkwrap` context turned into an image by the
 * kit's fn-image.sh (two at a time: the machines have two cores) and imported into the kit's containerd.
 *
 * Each image is kept in the kit's cache under a key of everything that goes into it — the context's files (the
 * template, the handler, `shared/`, the package files), the image name, the kit's image builder, of-watchdog and
 * the Node it puts in the image. A later run whose context did not change (a change of tests or docs only, or
 * the second of two runs) imports the kept image instead of building it again; a changed context builds anew
 * and replaces its function's older image, so the cache holds one image per function.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

import type { FaasdKitCheck, RunningKit } from './faasdKit.ts';

export type FunctionImage = { readonly name: string; readonly context: string; readonly image: string };
export type ImageOutcome = { readonly name: string; readonly cached: boolean; readonly seconds: number };

/** The kit's files and programs that shape an image (a missing one counts as empty: it changes the key once it appears). */
function kitFiles(check: Extract<FaasdKitCheck, { ready: true }>, kitHome: string): string[] {
  return [
    path.join(check.kit, 'fn-image.sh'),
    path.join(check.kit, 'common.sh'),
    path.join(check.kit, 'mkimg.py'),
    path.join(check.kit, 'tools', 'fn_image.py'),
    path.join(check.bin, 'of-watchdog'),
    path.join(kitHome, 'node24', 'package.json'),
  ];
}

/** sha256 over the image name, the kit's files and every file of the context (by relative path, in a fixed order). */
export function imageKey(image: FunctionImage, kitInputs: readonly string[]): string {
  const hash = createHash('sha256').update(`image ${image.image}\n`);
  for (const file of kitInputs) {
    hash.update(`kit ${path.basename(file)}\n`).update(existsSync(file) ? readFileSync(file) : Buffer.alloc(0));
  }
  const files = readdirSync(image.context, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(image.context, path.join(entry.parentPath, entry.name)))
    .sort();
  for (const file of files) {
    hash.update(`file ${file}\n`).update(readFileSync(path.join(image.context, file)));
  }
  return hash.digest('hex');
}

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${code}):\n${output.slice(-3000)}`))));
  });
}

/** Builds (or takes from the cache) and imports every image, `parallel` at a time; what each one took. */
export async function buildFunctionImages(options: {
  readonly kit: RunningKit;
  readonly check: Extract<FaasdKitCheck, { ready: true }>;
  readonly images: readonly FunctionImage[];
  readonly parallel: number;
}): Promise<ImageOutcome[]> {
  const { kit, check } = options;
  const cacheDir = path.join(kit.home, 'fn-images', 'dataplatform');
  mkdirSync(cacheDir, { recursive: true });
  const kitInputs = kitFiles(check, kit.home);
  // npm ci inside fn-image.sh takes what this machine's npm cache already holds.
  const env = { ...process.env, FAASD_KIT_BIN: check.bin, npm_config_prefer_offline: 'true' };
  const outcomes: ImageOutcome[] = [];
  const queue = [...options.images];
  await Promise.all(Array.from({ length: options.parallel }, async () => {
    for (let image = queue.shift(); image !== undefined; image = queue.shift()) {
      const started = Date.now();
      const tar = path.join(cacheDir, `${image.name}-${imageKey(image, kitInputs).slice(0, 24)}.tar`);
      const cached = existsSync(tar);
      if (cached) {
        await run(kit.nsrun, ['ctr', '-n', 'openfaas-fn', 'images', 'import', tar], env);
      } else {
        for (const old of readdirSync(cacheDir).filter((file) => file.startsWith(`${image.name}-`))) rmSync(path.join(cacheDir, old), { force: true });
        // Written under another name and renamed once built and imported: a run cut short leaves no half image behind.
        const building = tar.replace(/\.tar$/, '.partial.tar');
        try {
          await run('bash', [path.join(check.kit, 'fn-image.sh'), image.context, image.image, '--out', building], env);
          renameSync(building, tar);
        } finally {
          rmSync(building, { force: true });
        }
      }
      outcomes.push({ name: image.name, cached, seconds: (Date.now() - started) / 1000 });
    }
  }));
  return outcomes;
}
