/**
 * Runs the real `dp` entry point in its own process, collecting its output, so a test can wait for
 * a line, send it a signal and read its exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

import { projectRoot } from '#platform/env.ts';

export type DpProcess = {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves when stdout has a line matching `pattern` (rejects when the process ends first or after `timeoutMs`). */
  readonly waitForLine: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
  /** Resolves to the exit code. */
  readonly exited: Promise<number>;
};

/** Starts `dp <args>` with the given environment added to this process's. */
export function startDp(args: readonly string[], env: Readonly<Record<string, string>>): DpProcess {
  const child = spawn(process.execPath, [path.join(projectRoot, 'tools/cli/dp.mjs'), ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128))));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine: (pattern, timeoutMs = 120_000) =>
      new Promise((resolve, reject) => {
        const check = (): boolean => {
          const line = out.split('\n').find((candidate) => pattern.test(candidate));
          if (line === undefined) return false;
          cleanup();
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no line matching ${pattern} after ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          listeners.delete(listener);
        };
        const listener = (): void => void check();
        listeners.add(listener);
        void exited.then((code) => {
          if (!check()) {
            cleanup();
            reject(new Error(`dp exited with ${code} before printing a line matching ${pattern}\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`));
          }
        });
        check();
      }),
  };
}
