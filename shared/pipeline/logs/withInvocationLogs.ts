import type { DatabasePool } from '#platform/db/sql.ts';
import { createLogger, withLogCapture, type Logger } from '#platform/log.ts';
import { createInvocationLogBuffer, type CreateInvocationLogBufferOptions } from './createInvocationLogBuffer.ts';
import { saveInvocationLogs } from './saveInvocationLogs.ts';

export type WithInvocationLogsOptions = CreateInvocationLogBufferOptions & {
  /** Where the lines are stored; a pool that cannot be had (the database is down) loses the lines, not the request. */
  readonly pool: () => Promise<DatabasePool>;
  /** Where a failure to store them is reported (never captured itself). Default: a logger of this function. */
  readonly log?: Logger;
};

/**
 * Runs one invocation of a function with its log lines captured (every logger of the process, through
 * `withLogCapture`) and stores them in `platform.invocation_logs` when it ends, whether it succeeded or
 * threw. Storing never changes the invocation's outcome: a failure to store is logged and forgotten.
 */
export async function withInvocationLogs<T>(options: WithInvocationLogsOptions, work: () => Promise<T>): Promise<T> {
  const buffer = createInvocationLogBuffer(options);
  try {
    return await withLogCapture(buffer.capture, work);
  } finally {
    const lines = buffer.take();
    if (lines.length > 0) {
      try {
        await saveInvocationLogs(await options.pool(), lines, options.linesPerInvocation);
      } catch (error) {
        (options.log ?? createLogger()).warn('log.store_failed', { lines: lines.length, error });
      }
    }
  }
}
