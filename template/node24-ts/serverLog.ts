/**
 * The template's own log lines: one JSON object per line on stdout (journald on faasd,
 * `faas-cli logs NAME`), in the same shape as the platform's (`ts`, `level`, `event`, `fn`, fields).
 */
export type ServerLogLevel = 'debug' | 'info' | 'warn' | 'error';

export type ServerLog = (level: ServerLogLevel, event: string, fields?: Readonly<Record<string, unknown>>) => void;

const RANK: Readonly<Record<ServerLogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** An error as plain data: name, message, stack and the cause chain (the log is for the operator, not the caller). */
function describeError(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error)) return typeof error === 'bigint' ? error.toString() : error;
  return { name: error.name, message: error.message, stack: error.stack, ...(error.cause !== undefined && depth < 5 ? { cause: describeError(error.cause, depth + 1) } : {}) };
}

/** Writes lines at `level` and above, each with `fn` (the function's name). */
export function createServerLog(options: { readonly level: ServerLogLevel; readonly fn: string; readonly sink?: (line: string) => void }): ServerLog {
  const sink = options.sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  return (level, event, fields = {}) => {
    if (RANK[level] < RANK[options.level]) return;
    const record = { ts: new Date().toISOString(), level, event, fn: options.fn, ...fields };
    try {
      sink(JSON.stringify(record, (_key, value: unknown) => describeError(value)));
    } catch {
      sink(JSON.stringify({ ts: record.ts, level, event, fn: options.fn, note: 'fields were not serialisable' }));
    }
  };
}
