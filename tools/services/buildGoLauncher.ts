import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
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

/**
 * Builds one of the project's Go programs — a launcher under `tools/services/<name>/`, or the module in
 * `sourceDir` (relative to the project) — with `go install` (modules from the Go module proxy) into
 * `<dataDir>/bin/<name>`, unless it is already there; returns the binary's path.
 */
export async function buildGoLauncher(name: string, dataDir: string, log: Logger, sourceDir = path.join('tools', 'services', name)): Promise<string> {
  const binDir = path.join(dataDir, 'bin');
  const binary = path.join(binDir, name);
  if (existsSync(binary)) {
    return binary;
  }
  const go = await findGo();
  log.info(`${name}.building`, { note: 'first run only; takes a few minutes on a new machine' });
  await mkdir(binDir, { recursive: true });
  await runCommand(go, ['install', '.'], {
    cwd: path.join(projectRoot, sourceDir),
    env: { ...process.env, GOBIN: binDir, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' },
    timeoutMs: 1_200_000,
  });
  return binary;
}
