import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { projectRoot } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';
import type { Logger } from '#platform/log.ts';
import { commandExists, runCommand } from './run.ts';

async function findGo(): Promise<string> {
  if (await commandExists('go')) {
    return 'go';
  }
  for (const candidate of ['/usr/local/go/bin/go', '/usr/lib/go/bin/go']) {
    if (existsSync(candidate)) {
      return candidate;
    }
  }
  throw new ConfigError('local.go_missing', 'Building the local servers needs Go 1.24 or newer, and `go` was not found. Install Go, or point the platform at servers you already have (DATABASE_URL, MONGODB_URL).');
}

/** A digest of a launcher's source (go.mod, go.sum, *.go), so a changed launcher is built again. */
function sourceDigest(folder: string): string {
  const hash = createHash('sha256');
  for (const file of readdirSync(folder).filter((name) => /^go\.(mod|sum)$|\.go$/.test(name)).sort()) {
    hash.update(`${file}\0`).update(readFileSync(path.join(folder, file))).update('\0');
  }
  return hash.digest('hex');
}

/**
 * Builds one of the project's Go programs — a launcher under `tools/services/<name>/`, or the module in
 * `sourceDir` (relative to the project) — with `go install` (modules from the Go module proxy) into
 * `<dataDir>/bin/<name>`, unless that binary was built from the same source (`<name>.source` holds the
 * digest); returns the binary's path.
 */
export async function buildGoLauncher(name: string, dataDir: string, log: Logger, sourceDir = path.join('tools', 'services', name)): Promise<string> {
  const binDir = path.join(dataDir, 'bin');
  const binary = path.join(binDir, name);
  const folder = path.join(projectRoot, sourceDir);
  const digest = sourceDigest(folder);
  const stamp = path.join(binDir, `${name}.source`);
  if (existsSync(binary) && existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) {
    return binary;
  }
  const go = await findGo();
  log.info(`${name}.building`, { note: 'first run only, and after its source changed; takes a few minutes on a new machine' });
  await mkdir(binDir, { recursive: true });
  await runCommand(go, ['install', '.'], {
    cwd: folder,
    env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    timeoutMs: 1_200_000,
  });
  await writeFile(stamp, digest);
  return binary;
}
