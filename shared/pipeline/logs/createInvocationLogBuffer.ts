import type { LogCapture } from '#platform/log.ts';

/** One kept log line, attributed to the run, step chunk and attempt it belongs to. */
export type InvocationLogLine = {
  readonly runId: string;
  readonly step: string | null;
  readonly chunk: number | null;
  readonly attempt: number | null;
  readonly functionName: string;
  readonly loggedAt: string;
  readonly level: string;
  readonly event: string;
  readonly line: string;
};

export type CreateInvocationLogBufferOptions = {
  /** The OpenFaaS function writing the lines. */
  readonly functionName: string;
  /** Lines per (run, step, chunk) kept by this invocation; the last slot says how many more were dropped. */
  readonly linesPerInvocation: number;
  /** What a line without `run_id`, `step` or `chunk` fields belongs to (a step function's own request). Without a run id such lines are not kept. */
  readonly defaults?: { readonly runId?: string; readonly step?: string; readonly chunk?: number };
  /** Longest line kept, in characters. Default 4000. */
  readonly maxLineChars?: number;
};

export type InvocationLogBuffer = {
  readonly capture: LogCapture;
  /** The lines captured so far, each with its attempt filled in, and forgets them. */
  readonly take: () => InvocationLogLine[];
};

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const whole = (value: unknown): number | undefined => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined);

type Pending = { runId: string; step: string | null; chunk: number | null; attempt: number | null; loggedAt: string; level: string; event: string; line: string };
type Slot = { readonly lines: Pending[]; dropped: number; lastAt: string };

/**
 * Collects the log lines of one invocation (what `withLogCapture` hands it), bounded: at most
 * `linesPerInvocation` lines per (run, step, chunk), the last of them a `log.lines_dropped` line
 * counting the rest. A line is attributed by its own `run_id`, `step`, `chunk` and `attempt`
 * fields, else by the defaults; lines of a chunk that name no attempt take the attempt another
 * line of the same chunk named (the step's `step.started`).
 */
export function createInvocationLogBuffer(options: CreateInvocationLogBufferOptions): InvocationLogBuffer {
  const maxChars = options.maxLineChars ?? 4000;
  const keep = Math.max(1, options.linesPerInvocation - 1);
  const slots = new Map<string, Slot>();

  const capture: LogCapture = (record, line) => {
    const runId = text(record.run_id) ?? options.defaults?.runId;
    if (runId === undefined) return;
    const step = text(record.step) ?? options.defaults?.step ?? null;
    const chunk = whole(record.chunk) ?? options.defaults?.chunk ?? null;
    const key = JSON.stringify([runId, step, chunk]);
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = { lines: [], dropped: 0, lastAt: '' };
      slots.set(key, slot);
    }
    const loggedAt = text(record.ts) ?? new Date().toISOString();
    slot.lastAt = loggedAt;
    if (slot.lines.length >= keep) {
      slot.dropped += 1;
      return;
    }
    const attempt = whole(record.attempt);
    slot.lines.push({
      runId,
      step,
      chunk,
      attempt: attempt === undefined || attempt < 1 ? null : attempt,
      loggedAt,
      level: LEVELS.has(String(record.level)) ? String(record.level) : 'info',
      event: text(record.event)?.slice(0, 200) ?? 'log',
      line: line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line,
    });
  };

  const take = (): InvocationLogLine[] => {
    const taken: InvocationLogLine[] = [];
    for (const slot of slots.values()) {
      const attempt = slot.lines.find((entry) => entry.attempt !== null)?.attempt ?? null;
      const lines = slot.lines.map((entry) => ({ ...entry, attempt: entry.attempt ?? attempt, functionName: options.functionName }));
      if (slot.dropped > 0 && lines[0] !== undefined) {
        const first = lines[0];
        const note = { ts: slot.lastAt, level: 'warn', event: 'log.lines_dropped', dropped: slot.dropped, note: `this invocation wrote ${slot.dropped} more lines than DP_LOG_LINES_PER_INVOCATION keeps` };
        lines.push({ ...first, loggedAt: slot.lastAt, level: 'warn', event: 'log.lines_dropped', line: JSON.stringify(note) });
      }
      taken.push(...lines);
    }
    slots.clear();
    return taken;
  };

  return { capture, take };
}
