import { spawn } from 'node:child_process';
import path from 'node:path';

import { z } from 'zod';

/** What one test file did: tests passed, failed and skipped, how long it took, and what it printed. */
export type FileResult = { readonly file: string; readonly passed: number; readonly failed: number; readonly skipped: number; readonly ms: number; readonly output: string };

const countsSchema = z.object({ passed: z.number().int(), failed: z.number().int(), skipped: z.number().int(), total: z.number().int() });

const CHILD = path.join(import.meta.dirname, 'runUvuFile.ts');

/**
 * Runs one test file in its own Node process (uvu through tsx, runUvuFile.ts) and reads the counts it
 * reports on file descriptor 3. A file that crashes, exits before its suites finish, exits non-zero,
 * or declares no test counts as (at least) one failure. `timeoutMs` kills the process.
 */
export function runTestFile(file: string, options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly timeoutMs: number }): Promise<FileResult> {
  const started = Date.now();
  const relative = path.relative(options.cwd, file);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let output = '';
    let report = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (report += chunk.toString()));
    const timer = setTimeout(() => {
      output += `\n[test runner] killed after ${options.timeoutMs / 1000}s`;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { file: relative, ms: Date.now() - started, output };
      let counts: z.output<typeof countsSchema> | undefined;
      try {
        counts = countsSchema.parse(JSON.parse(report));
      } catch {
        counts = undefined;
      }
      if (counts === undefined) {
        // Crashed on import, or exited (or was killed) before its suites finished: one failure.
        resolve({ ...result, passed: 0, failed: 1, skipped: 0, output: output || `exited with ${signal ?? code} and printed nothing` });
        return;
      }
      const failed = counts.failed > 0 ? counts.failed : counts.total === 0 || code !== 0 ? 1 : 0;
      const why = counts.total === 0 ? '\n[test runner] the file declares no test' : counts.failed === 0 && code !== 0 ? `\n[test runner] every test passed but the process exited with ${signal ?? code}` : '';
      resolve({ ...result, passed: counts.passed, failed, skipped: counts.skipped, output: output + why });
    });
  });
}
