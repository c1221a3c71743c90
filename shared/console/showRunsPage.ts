import { z } from 'zod';

import { nameSchema } from '#metadata/schema.ts';
import { parseInput } from '#platform/function/parseInput.ts';
import type { ConsoleContext } from './consoleContext.ts';
import { consolePath, formatCount, formatSpan, formatTime, readErrorRecord, spanMs, statusBadge, targetName } from './consoleFormat.ts';
import { STATUS_COLOURS, statusColour } from './consoleStyle.ts';
import { html, type Html } from './html.ts';
import { countRunsByStatus } from '#pipeline/runStore/countRunsByStatus.ts';
import { listSourceNames } from './queries/listSourceNames.ts';
import { listConsoleRuns, type ConsoleRun } from './listConsoleRuns.ts';
import { renderRunTimeline } from './renderRunTimeline.ts';

const STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const;

export const runsQuerySchema = z.object({
  source: z.union([nameSchema, z.literal('')]).optional().transform((value) => (value === '' ? undefined : value)),
  status: z.union([z.enum(STATUSES), z.literal('')]).optional().transform((value) => (value === '' ? undefined : value)),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** What a run changed, in a few words: silver's counts or the rows a gold model built. */
export function describeRunCounts(run: Pick<ConsoleRun, 'counts'>): string {
  const counts = run.counts;
  if (counts === null) return '';
  if (counts.step === 'gold') return `${formatCount(counts.inserted)} rows built`;
  const parts = (['inserted', 'updated', 'closed', 'deleted', 'rejected'] as const).flatMap((name) => (counts[name] > 0 ? [`${formatCount(counts[name])} ${name}`] : []));
  return parts.length === 0 ? `${formatCount(counts.read)} read, nothing changed` : parts.join(', ');
}

function noteOf(run: ConsoleRun, base: string): Html {
  if (run.status === 'skipped' && run.skipped_for !== null) return html`skipped: <a href="${consolePath(base, 'runs', run.skipped_for)}">${run.skipped_for}</a> was active`;
  const error = readErrorRecord(run.error);
  if (error !== null) return html`<span class="mono">${error.code}</span> ${error.message.length > 160 ? `${error.message.slice(0, 159)}…` : error.message}`;
  return html`${describeRunCounts(run)}`;
}

/** The runs table: status, dataset, trigger, when, how long (with a bar against the longest shown), what changed. */
export function renderRunTable(runs: readonly ConsoleRun[], base: string, now: number): Html {
  const longest = Math.max(1, ...runs.map((run) => spanMs(run.started_at, run.finished_at, now) ?? 0));
  return html`<div class="scroll"><table class="stack"><thead><tr><th>Status</th><th>Dataset</th><th>Run</th><th class="hide-narrow">Trigger</th><th>Created (UTC)</th><th class="num">Duration</th><th>Changes / error</th></tr></thead><tbody>
${runs.map((run) => {
  const took = spanMs(run.started_at, run.finished_at, now);
  const bar = took === null ? '' : html`<span class="bar" style="width:${Math.max(2, Math.round((took / longest) * 70))}px;background:${statusColour(run.status)}"></span> `;
  return html`<tr class="${run.status === 'failed' ? 'failed' : ''}"><td>${statusBadge(run.status)}</td>
<td><a href="${consolePath(base, 'datasets', run.source, run.dataset)}">${targetName(run)}</a></td>
<td class="mono small nowrap"><a href="${consolePath(base, 'runs', run.run_id)}">${run.run_id}</a>${run.retries > 0 ? html` <span class="muted">(${run.retries} ${run.retries === 1 ? 'retry' : 'retries'})</span>` : ''}</td>
<td class="hide-narrow">${run.trigger_kind}</td><td class="small nowrap">${formatTime(run.created_at)}</td>
<td class="num">${bar}${formatSpan(took)}</td><td class="small wide">${noteOf(run, base)}</td></tr>`;
})}
</tbody></table></div>`;
}

/** `/` — the timeline of the newest runs and their table, filtered by source and status. */
export async function showRunsPage(context: ConsoleContext, query: unknown): Promise<{ readonly title: string; readonly body: Html }> {
  const filter = parseInput(runsQuerySchema, query, 'The runs page query', 'Allowed: source, status (pending, running, succeeded, failed, skipped), limit (1–500).');
  const now = context.now();
  const [runs, byStatus, sources] = await Promise.all([
    listConsoleRuns(context.pool, { limit: filter.limit, ...(filter.source === undefined ? {} : { source: filter.source }), ...(filter.status === undefined ? {} : { status: filter.status }) }),
    countRunsByStatus(context.pool, filter.source),
    listSourceNames(context.pool),
  ]);
  const total = Object.values(byStatus).reduce((sum, count) => sum + (count ?? 0), 0);
  const body = html`<h1>Runs</h1>
<form class="filters" method="get" action="${context.base}/">
<label>Source<select name="source"><option value="">all</option>${sources.map((source) => html`<option value="${source}" ${source === filter.source ? html`selected` : ''}>${source}</option>`)}</select></label>
<label>Status<select name="status"><option value="">all</option>${STATUSES.map((status) => html`<option value="${status}" ${status === filter.status ? html`selected` : ''}>${status} (${formatCount(byStatus[status] ?? 0)})</option>`)}</select></label>
<label>Show<select name="limit">${[50, 100, 200, 500].map((limit) => html`<option value="${limit}" ${limit === filter.limit ? html`selected` : ''}>${limit} newest</option>`)}</select></label>
<button type="submit">Filter</button></form>
<p class="muted small">${formatCount(runs.length)} of ${formatCount(total)} runs${filter.source === undefined ? '' : ` of ${filter.source}`} · failed: ${formatCount(byStatus.failed ?? 0)} · active: ${formatCount((byStatus.running ?? 0) + (byStatus.pending ?? 0))}</p>
<div class="legend">${Object.entries(STATUS_COLOURS).filter(([status]) => status !== 'never_run' && status !== 'dispatched').map(([status, colour]) => html`<span><i class="${status === 'skipped' ? 'diamond' : ''}" style="background:${colour}"></i>${status === 'skipped' ? 'skipped trigger' : status}</span>`)}</div>
<div class="card">${renderRunTimeline(runs, { base: context.base, now })}</div>
<h2>Newest first</h2>
${runs.length === 0 ? html`<p class="muted">No runs match.</p>` : renderRunTable(runs, context.base, now)}`;
  return { title: 'Runs', body };
}

