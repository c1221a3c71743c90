import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { projectRoot } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';

/** The template's server entrypoint: the same file the image runs as of-watchdog's fprocess. */
export const TEMPLATE_ENTRYPOINT = path.join(projectRoot, 'template', 'node24-ts', 'index.ts');

export type FunctionProcess = {
  readonly name: string;
  /** The operating system's id of the process (benchmarks read its peak memory from /proc). */
  readonly pid: number;
  /** Port the function listens on, on 127.0.0.1. */
  readonly port: number;
  /** False once the process has exited. */
  readonly running: () => boolean;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  /** Sends SIGTERM (the container's stop signal) and waits for the exit; SIGKILL after `graceMs`. */
  readonly stop: (graceMs?: number) => Promise<void>;
};

export type StartFunctionProcessOptions = {
  readonly name: string;
  /** Absolute path of the handler module (functions/<name>/handler.ts). */
  readonly handlerPath: string;
  /** The complete environment of the process. */
  readonly env: NodeJS.ProcessEnv;
  /** Receives each line the function writes (its JSON log lines), as journald does on faasd. */
  readonly output: (name: string, line: string) => void;
  /** Milliseconds to wait for the server to listen. Default 90000: a busy 2-core machine starting every function at once needs well over 30 s. */
  readonly startTimeoutMs?: number;
  /** Server entrypoint. Default: the node24-ts template's index.ts. */
  readonly entrypoint?: string;
  /** Node options, as the function's `fprocess` gives them (parseNodeFprocess). Default: none. */
  readonly nodeOptions?: readonly string[];
};

/**
 * Starts one function the way the container does — the template's server entrypoint with the
 * handler module — as a child process on a free loopback port, on Node 24 running the TypeScript
 * as it is (type stripping), like the image.
 * Resolves once the server listens.
 */
export async function startFunctionProcess(options: StartFunctionProcessOptions): Promise<FunctionProcess> {
  const entrypoint = options.entrypoint ?? TEMPLATE_ENTRYPOINT;
  const child: ChildProcess = fork(entrypoint, [], {
    cwd: projectRoot,
    execArgv: [...(options.nodeOptions ?? [])],
    env: { ...options.env, DP_FUNCTION_HANDLER: options.handlerPath, DP_FUNCTION_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const stream of [child.stdout, child.stderr]) {
    if (stream !== null) {
      createInterface({ input: stream }).on('line', (line) => options.output(options.name, line));
    }
  }
  let running = true;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      running = false;
      resolve(code);
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new ConfigError('gateway.function_start_timeout', `Function ${options.name} did not start listening within ${options.startTimeoutMs ?? 90_000} ms; its log lines above say why.`));
    }, options.startTimeoutMs ?? 90_000);
    child.on('message', (message: unknown) => {
      const listening = message as { type?: unknown; port?: unknown };
      if (listening.type === 'listening' && typeof listening.port === 'number') {
        clearTimeout(timer);
        resolve(listening.port);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new ConfigError('gateway.function_start_failed', `Function ${options.name} exited with code ${code} before it listened; its log lines above say why.`));
    });
  });

  return {
    name: options.name,
    pid: child.pid ?? 0,
    port,
    running: () => running,
    exited,
    stop: async (graceMs = 5000) => {
      if (!running) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
