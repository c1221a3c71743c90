import { spawn } from 'node:child_process';
import path from 'node:path';

import { ConfigError, PlatformError } from '#platform/errors.ts';
import { redact } from '#platform/redact.ts';

export type PgTool = 'pg_dump' | 'pg_restore';

export type PgConnection = {
  /** The database URL without its password (safe on a command line). */
  readonly dbname: string;
  /** The password, passed to the tool as PGPASSWORD. */
  readonly password: string | undefined;
};

/** Splits a Postgres URL into what a client tool takes on its command line and its password (kept out of `ps`). */
export function toPgConnection(url: string): PgConnection {
  const parsed = new URL(url);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  parsed.password = '';
  return { dbname: parsed.toString(), password };
}

/** The database name of a Postgres URL. */
export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

/**
 * Runs a Postgres client tool (from `binDir`, or PATH) to completion. A tool that is not installed is a
 * ConfigError naming the Debian package; a failure carries the tool's last stderr lines (passwords masked).
 */
export async function runPgTool(tool: PgTool | 'psql', args: readonly string[], options: { readonly binDir?: string; readonly password?: string; readonly onStderr?: (line: string) => void } = {}): Promise<string> {
  const command = options.binDir === undefined ? tool : path.join(options.binDir, tool);
  const env = { ...process.env, ...(options.password === undefined ? {} : { PGPASSWORD: options.password }) };
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr += text;
      for (const line of text.split('\n')) if (line.trim() !== '') options.onStderr?.(redact(line));
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new ConfigError('backup.pg_tool_missing', `${tool} is not installed${options.binDir === undefined ? ' (not on PATH)' : ` in ${options.binDir}`}; install Debian's postgresql-client (apt-get install postgresql-client) of the server's major version, or set DP_PG_BIN_DIR to its bin folder.`, { cause: error })
          : new PlatformError('backup.pg_tool_failed', `${tool} could not start: ${error.message}`, { cause: error }),
      );
    });
    child.on('close', (code) => {
      if (code === 0) {
        resolve(stdout);
        return;
      }
      const tail = redact(stderr.trim().split('\n').slice(-5).join(' | '));
      reject(new PlatformError('backup.pg_tool_failed', `${tool} failed with exit code ${code}: ${tail || 'no message'}`, { context: { tool, code } }));
    });
  });
}

/** The major version a tool reports (`pg_dump (PostgreSQL) 15.8` → 15). */
export async function pgToolMajorVersion(tool: PgTool, binDir?: string): Promise<{ readonly version: string; readonly major: number }> {
  const output = await runPgTool(tool, ['--version'], binDir === undefined ? {} : { binDir });
  const match = /(\d+)(?:\.(\d+))?/.exec(output);
  return { version: output.trim(), major: Number(match?.[1] ?? 0) };
}
