import { execFile } from 'node:child_process';

import { PlatformError } from '#platform/errors.ts';

export type RunResult = { readonly stdout: string; readonly stderr: string };

/** Runs a command to completion; a non-zero exit becomes a PlatformError carrying its output. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv; readonly timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const output = `${stdout}\n${stderr}`.trim().split('\n').slice(-15).join('\n');
          reject(new PlatformError('local.command_failed', `\`${command} ${args.join(' ')}\` failed: ${error.message}\n${output}`, { cause: error, context: { command } }));
          return;
        }
        resolve({ stdout, stderr });
      },
    );
  });
}

/** True when `command` can be executed (found on PATH or at the given path). */
export async function commandExists(command: string): Promise<boolean> {
  try {
    await runCommand('sh', ['-c', `command -v "$0" >/dev/null 2>&1`, command], { timeoutMs: 5_000 });
    return true;
  } catch {
    return false;
  }
}
