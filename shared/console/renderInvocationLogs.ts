import type { InvocationLogView } from '#pipeline/logs/selectInvocationLogs.ts';
import { html, type Html } from './html.ts';

const SHOWN_ELSEWHERE = new Set(['ts', 'level', 'event', 'fn', 'run_id', 'step', 'chunk', 'attempt', 'source', 'dataset']);

function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string' && typeof (value as { message?: unknown }).message === 'string') {
    const error = value as { code: string; message: string; stack?: unknown };
    return `${error.code}: ${error.message}${typeof error.stack === 'string' ? `\n${error.stack}` : ''}`;
  }
  return JSON.stringify(value);
}

/** One stored line: time, function, level, event, then its other fields as key=value. */
function renderLine(entry: InvocationLogView): Html {
  let record: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(entry.line) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) record = parsed as Record<string, unknown>;
  } catch {
    record = { text: entry.line };
  }
  const fields = Object.entries(record).filter(([key]) => !SHOWN_ELSEWHERE.has(key));
  const level = entry.level === 'error' || entry.level === 'warn' ? entry.level : '';
  return html`<div class="${level}"><span class="t">${entry.logged_at.toISOString().slice(11, 23)}</span> <span class="k">${entry.function.padEnd(12)}</span> ${level === '' ? '' : html`<span class="${level}">${entry.level.toUpperCase()}</span> `}<span class="ev">${entry.event}</span>${fields.map(([key, value]) => html` <span class="k">${key}=</span>${fieldText(value)}`)}</div>`;
}

type Group = { readonly title: string; readonly lines: InvocationLogView[] };

/**
 * A run's stored log lines, one block per step invocation (step, chunk, attempt) in the order they began, the
 * orchestrator's lines about it included, and one for the orchestrator's lines about the run itself; blocks with a warning or an error are open (all of them when there are few lines).
 */
export function renderInvocationLogs(lines: readonly InvocationLogView[]): Html {
  if (lines.length === 0) {
    return html`<p class="muted">No log lines are kept for this run (they are kept for DP_LOG_RETENTION_DAYS days; runs from before the console have none).</p>`;
  }
  const groups = new Map<string, Group>();
  for (const entry of lines) {
    const key = entry.step === null ? 'run' : `${entry.step}/${entry.chunk ?? 0}/${entry.attempt ?? 0}`;
    let group = groups.get(key);
    if (group === undefined) {
      const title = entry.step === null ? 'the run (orchestrator)' : `${entry.step}${entry.chunk ? ` #${entry.chunk}` : ''}${entry.attempt === null ? '' : ` · attempt ${entry.attempt}`}`;
      group = { title, lines: [] };
      groups.set(key, group);
    }
    group.lines.push(entry);
  }
  const openAll = lines.length <= 80;
  return html`${[...groups.values()].map((group) => {
    const troubled = group.lines.some((entry) => entry.level === 'error' || entry.level === 'warn');
    const functions = [...new Set(group.lines.map((entry) => entry.function))].join(', ');
    return html`<details ${troubled || openAll ? html`open` : ''}><summary>${group.title} <span class="muted small">${group.lines.length} ${group.lines.length === 1 ? 'line' : 'lines'} · ${functions}</span></summary>
<div class="logs">${group.lines.map(renderLine)}</div></details>`;
  })}`;
}
