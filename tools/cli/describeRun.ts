import { formatDuration } from '#platform/formatDuration.ts';
import type { RunSummary } from './orchestratorReplies.ts';

/** `bank.accounts`, or `gold.monthly_spending` for a model run. */
export function runTarget(run: Pick<RunSummary, 'source' | 'dataset'>): string {
  return `${run.source}.${run.dataset}`;
}

/** How long a run took (or has been running, against `now` in epoch ms); `-` before it started. */
export function runDuration(run: Pick<RunSummary, 'created_at' | 'started_at' | 'finished_at' | 'duration_ms'>, now: number): string {
  if (run.duration_ms !== null && run.duration_ms !== undefined) return formatDuration(run.duration_ms);
  const start = run.started_at ?? run.created_at;
  if (start === null || start === undefined) return '-';
  const end = run.finished_at === null || run.finished_at === undefined ? now : Date.parse(run.finished_at);
  return formatDuration(end - Date.parse(start));
}
