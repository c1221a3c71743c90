import { existsSync } from 'node:fs';

import type { Logger } from '#platform/log.ts';
import { commandExists, runCommand } from './run.ts';

/** Where Debian's `chromium` package puts the browser. */
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** A Chromium to drive, or why there is none on this machine. */
export type ChromiumLookup = { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string };

/** Launch flags that work headless in containers and CI: no sandbox (root), no GPU, nothing that calls out to the network. */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function locate(): Promise<string | undefined> {
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    if (await commandExists(name)) {
      const { stdout } = await runCommand('sh', ['-c', `command -v ${name}`]);
      return stdout.trim();
    }
  }
  return undefined;
}

/**
 * Finds Chromium, or installs Debian's `chromium` package with apt-get when we are root on a machine that
 * has apt-get — as the project's service starters install Postgres. Resolves to the reason when neither works.
 */
export async function ensureChromium(log: Logger): Promise<ChromiumLookup> {
  const present = await locate();
  if (present !== undefined) return { found: true, path: present };
  if (process.getuid?.() !== 0) return { found: false, reason: 'Chromium is not installed and this user cannot install it (sudo apt-get install chromium)' };
  if (!(await commandExists('apt-get'))) return { found: false, reason: 'Chromium is not installed and there is no apt-get to install it with' };
  log.info('chromium.installing', { via: 'apt-get install chromium' });
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], { env, timeoutMs: 900_000 }).catch(async () => {
      await runCommand('apt-get', ['update', '-q'], { env, timeoutMs: 600_000 });
      await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'chromium'], { env, timeoutMs: 900_000 });
    });
  } catch (error) {
    return { found: false, reason: `apt-get could not install chromium: ${error instanceof Error ? error.message.split('\n').slice(-3).join(' ') : String(error)}` };
  }
  const installed = await locate();
  return installed === undefined ? { found: false, reason: 'apt-get installed chromium but no chromium binary was found' } : { found: true, path: installed };
}
