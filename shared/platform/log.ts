/**
 * Structured logging: one JSON line per event on stdout, which faasd sends to journald
 * (`faas-cli logs NAME`). Lines carry the function name and, when there is one, the run id,
 * so one run can be followed across functions. Secret values are masked before writing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

import { getEnv, type LogLevel } from './env.ts';
import { isPlatformError } from './errors.ts';
import { redact } from './redact.ts';

export type LogFields = Readonly<Record<string, unknown>>;

export type Logger = {
  readonly debug: (event: string, fields?: LogFields) => void;
  readonly info: (event: string, fields?: LogFields) => void;
  readonly warn: (event: string, fields?: LogFields) => void;
  readonly error: (event: string, fields?: LogFields) => void;
  /** A logger that adds `fields` (for example `{ run_id }`) to every line. */
  readonly child: (fields: LogFields) => Logger;
};

export type LogSink = (line: string) => void;

/** Receives every line written inside `withLogCapture`, as the record and the (redacted) line. */
export type LogCapture = (record: Readonly<Record<string, unknown>>, line: string) => void;

const captures = new AsyncLocalStorage<LogCapture>();

/**
 * Runs `work` with `capture` receiving every line any logger of this process writes for it (and for
 * everything it awaits), besides the line going to its sink as usual. The step and orchestrator
 * handlers keep an invocation's lines with the run this way, whichever module logged them.
 */
export function withLogCapture<T>(capture: LogCapture, work: () => Promise<T>): Promise<T> {
  return captures.run(capture, work);
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Serialises errors (including their cause chain) as plain data; other values pass through. */
function toLoggable(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const base: Record<string, unknown> = isPlatformError(value)
      ? { ...value.toJSON(), name: value.name }
      : { name: value.name, message: value.message };
    if (value.stack !== undefined && !isPlatformError(value)) {
      base.stack = value.stack;
    }
    if (value.cause !== undefined && depth < 5) {
      base.cause = toLoggable(value.cause, depth + 1);
    }
    return base;
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  return value;
}

/** JSON.stringify calls toJSON before the replacer; reading the holder gives back the Error itself, cause included. */
function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return toLoggable(original instanceof Error ? original : value);
}

export type CreateLoggerOptions = {
  /** Minimum level to write. Default: DP_LOG_LEVEL. */
  readonly level?: LogLevel;
  /** Where lines go. Default: process.stdout. */
  readonly sink?: LogSink;
  /** Fields on every line. Default: `{ fn: <function name> }`. */
  readonly fields?: LogFields;
  /** `json` (one object per line, for functions) or `text` (`event key=value`, for terminals). Default: json. */
  readonly format?: 'json' | 'text';
};

/** One log record as a terminal line: `event key=value …`, the level in front when it is warn or error. */
export function formatText(record: Readonly<Record<string, unknown>>): string {
  const { ts: _ts, level, event, fn: _fn, ...rest } = record;
  const pairs = Object.entries(rest).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value, replacer)}`);
  const prefix = level === 'info' || level === 'debug' ? '' : `${String(level).toUpperCase()} `;
  return `${prefix}${String(event)}${pairs.length > 0 ? ` ${pairs.join(' ')}` : ''}`;
}

/** Creates a structured JSON-lines logger. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? getEnv().logLevel;
  const sink: LogSink = options.sink ?? ((line) => process.stdout.write(`${line}\n`));
  const base: LogFields = options.fields ?? { fn: getEnv().functionName };
  const format = options.format ?? 'json';

  const write = (lineLevel: LogLevel, event: string, fields: LogFields | undefined): void => {
    if (RANK[lineLevel] < RANK[level]) {
      return;
    }
    const record = { ts: new Date().toISOString(), level: lineLevel, event, ...base, ...fields };
    let line: string;
    try {
      line = format === 'text' ? formatText(record) : JSON.stringify(record, replacer);
    } catch {
      line = JSON.stringify({ ts: record.ts, level: lineLevel, event, ...base, note: 'fields were not serialisable' });
    }
    const redacted = redact(line);
    sink(redacted);
    captures.getStore()?.(record, redacted);
  };

  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
    child: (fields) => createLogger({ level, sink, format, fields: { ...base, ...fields } }),
  };
}
