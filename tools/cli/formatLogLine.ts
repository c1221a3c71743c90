import { formatText } from '#platform/log.ts';
import type { RunLogLine } from './orchestratorReplies.ts';

/** Fields the line's own columns already show. */
const SHOWN = ['run_id', 'step', 'chunk', 'attempt', 'source', 'dataset'];

/**
 * A kept log line for a terminal: `06:15:02.118 files        extract      step.finished status=done …` — time (UTC),
 * function, step invocation (`#chunk` and `attempt n` when not the first), then the line as `event key=value`.
 */
export function formatLogLine(entry: RunLogLine): string {
  let record: Record<string, unknown>;
  try {
    const parsed = JSON.parse(entry.line) as unknown;
    record = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? { ...(parsed as Record<string, unknown>) } : { event: entry.event, text: entry.line };
  } catch {
    record = { event: entry.event, text: entry.line };
  }
  for (const key of SHOWN) delete record[key];
  for (const [key, value] of Object.entries(record)) {
    // an error as `code: message`, as the console shows it
    const error = value as { code?: unknown; message?: unknown } | null;
    if (key !== 'event' && typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string') record[key] = `${error.code}: ${error.message}`;
  }
  const invocation = entry.step === null ? 'run' : `${entry.step}${entry.chunk !== null && entry.chunk > 0 ? ` #${entry.chunk}` : ''}${entry.attempt !== null && entry.attempt > 1 ? ` a${entry.attempt}` : ''}`;
  return `${entry.logged_at.slice(11, 23)} ${entry.function.padEnd(12)} ${invocation.padEnd(12)} ${formatText({ ...record, level: entry.level, event: entry.event })}`;
}
