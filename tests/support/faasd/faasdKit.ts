/**
 * The faasd kit (a real faasd 0.19.0 in private namespaces, no Docker): whether this machine can run it,
 * and starting and stopping it. The kit and its seven upstream programs live outside the repository:
 *
 *   FAASD_KIT_BIN   the folder of faasd, gateway, queue-worker, nats-streaming-server, faas-cli, of-watchdog and
 *                   cron-connector (required; `.ci/run` takes /var/tmp/faasd-kit-bin when it exists);
 *   FAASD_KIT       the kit's folder (up.sh, down.sh, fn-image.sh); default: `$FAASD_KIT_BIN/faasd-kit`, so a
 *                   machine that links its kit there needs only FAASD_KIT_BIN.
 *
 * The kit needs root. Once started, it is always taken down again: on the suite's own exit, on SIGINT and
 * SIGTERM, and on an uncaught error.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The upstream programs the kit expects in FAASD_KIT_BIN. */
export const KIT_BINARIES = ['faasd', 'gateway', 'queue-worker', 'nats-streaming-server', 'faas-cli', 'of-watchdog', 'cron-connector'] as const;

export type FaasdKitCheck = { readonly ready: true; readonly kit: string; readonly bin: string } | { readonly ready: false; readonly reason: string };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether the faasd suite can run here, and why not. */
export function checkFaasdKit(env: NodeJS.ProcessEnv = process.env): FaasdKitCheck {
  const bin = env.FAASD_KIT_BIN;
  if (bin === undefined || bin === '') {
    return { ready: false, reason: 'FAASD_KIT_BIN is not set (the folder of the faasd kit\'s programs; docs/testing.md, "The faasd suite")' };
  }
  const missing = KIT_BINARIES.filter((name) => !isExecutable(path.join(bin, name)));
  if (missing.length > 0) {
    return { ready: false, reason: `FAASD_KIT_BIN=${bin} lacks ${missing.join(', ')}` };
  }
  if (process.getuid?.() !== 0) {
    return { ready: false, reason: 'the faasd kit needs root (it brings up network and mount namespaces)' };
  }
  const kit = env.FAASD_KIT || path.join(bin, 'faasd-kit');
  if (!existsSync(path.join(kit, 'up.sh'))) {
    return { ready: false, reason: `there is no faasd kit at ${kit}; set FAASD_KIT to its folder (or link it as $FAASD_KIT_BIN/faasd-kit)` };
  }
  return { ready: true, kit, bin };
}

export type RunningKit = {
  /** The gateway as this host reaches it (OPENFAAS_URL). */
  readonly gatewayUrl: string;
  readonly user: string;
  readonly password: string;
  /** This host's address as functions and the queue-worker see it. */
  readonly hostIp: string;
  /** The folder of the kit's container logs (journal.jsonl). */
  readonly logsDir: string;
  /** Seconds up.sh took. */
  readonly upSeconds: number;
  /** Runs faas-cli against the kit's gateway, logged in; `env` adds to the environment. */
  readonly faasCli: (args: readonly string[], options?: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly input?: string }) => SpawnSyncReturns<string>;
  /** Runs a command inside the kit's namespaces (the kit's nsrun); its stdout. */
  readonly inNamespaces: (args: readonly string[]) => string;
  /** Runs one of the kit's scripts (fn-image.sh …). */
  readonly script: (name: string, args: readonly string[], env?: NodeJS.ProcessEnv) => SpawnSyncReturns<string>;
  /** Takes the kit down (down.sh); safe to call more than once. */
  readonly down: () => void;
};

/** `export KEY=value` lines of the kit's state/env file (values without expansion; PATH is left out). */
function readKitEnv(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^export (\w+)=(\S*)/.exec(line);
    if (match !== null && match[1] !== 'PATH') values[match[1]!] = match[2]!;
  }
  return values;
}

/** Runs up.sh (which first clears a stale kit) and returns the running kit; down.sh runs however this process ends. */
export function startKit(check: Extract<FaasdKitCheck, { ready: true }>, log: (line: string) => void): RunningKit {
  const env = { ...process.env, FAASD_KIT_BIN: check.bin };
  let isDown = false;
  const down = (): void => {
    if (isDown) return;
    isDown = true;
    const started = Date.now();
    const result = spawnSync('bash', [path.join(check.kit, 'down.sh')], { env, encoding: 'utf8', timeout: 600_000 });
    const how = result.status === null ? `signal ${result.signal ?? result.error?.message}` : `exit ${result.status}`;
    log(`faasd kit down.sh: ${how} after ${((Date.now() - started) / 1000).toFixed(1)} s${result.status === 0 ? '' : `\n${result.stdout}${result.stderr}`}`);
  };
  process.once('exit', down);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      down();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
  process.once('uncaughtException', (error) => {
    log(`uncaught: ${error.stack ?? String(error)}`);
    down();
    process.exit(1);
  });

  const started = Date.now();
  const up = spawnSync('bash', [path.join(check.kit, 'up.sh')], { env, encoding: 'utf8', timeout: 600_000 });
  if (up.status !== 0) {
    down();
    throw new Error(`faasd kit up.sh failed (exit ${up.status ?? up.error?.message}):\n${up.stdout}\n${up.stderr}`);
  }
  const upSeconds = (Date.now() - started) / 1000;
  const home = process.env.FAASD_KIT_HOME || '/var/tmp/faasd-kit';
  const kitEnv = readKitEnv(path.join(home, 'state', 'env'));
  const faasCliEnv = { ...env, OPENFAAS_URL: kitEnv.OPENFAAS_URL, OPENFAAS_CONFIG: kitEnv.OPENFAAS_CONFIG };
  return {
    gatewayUrl: kitEnv.OPENFAAS_URL!,
    user: kitEnv.FAASD_USER!,
    password: kitEnv.FAASD_PASSWORD!,
    hostIp: kitEnv.FAASD_HOST_IP!,
    logsDir: kitEnv.FAASD_LOGS!,
    upSeconds,
    faasCli: (args, options = {}) =>
      spawnSync(path.join(check.bin, 'faas-cli'), [...args], { cwd: options.cwd, env: { ...faasCliEnv, ...options.env }, input: options.input, encoding: 'utf8', timeout: 300_000 }),
    inNamespaces: (args) => {
      const result = spawnSync(kitEnv.FAASD_NSRUN!, [...args], { encoding: 'utf8', timeout: 60_000 });
      if (result.status !== 0) throw new Error(`in the kit's namespaces: ${args.join(' ')} failed: ${result.stderr}`);
      return result.stdout;
    },
    script: (name, args, extra = {}) => spawnSync('bash', [path.join(check.kit, name), ...args], { env: { ...env, ...extra }, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }),
    down,
  };
}
