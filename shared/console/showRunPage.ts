import { NotFoundError } from '#platform/errors.ts';
import { toStepView } from '#orchestrator/api/toStepView.ts';
import { selectRunEvents } from '#orchestrator/api/selectRunEvents.ts';
import { getRun } from '#pipeline/runStore/getRun.ts';
import { listRunSteps } from '#pipeline/runStore/listRunSteps.ts';
import { listSkippedRuns } from '#pipeline/runStore/listSkippedRuns.ts';
import { selectInvocationLogs } from '#pipeline/logs/selectInvocationLogs.ts';
import type { ConsoleContext } from './consoleContext.ts';
import { consolePath, renderFact, formatCount, formatSpan, formatTime, spanMs, statusBadge, targetName } from './consoleFormat.ts';
import { html, type Html } from './html.ts';
import { selectRejects } from './queries/selectRejects.ts';
import { renderErrorBox } from './renderErrorBox.ts';
import { renderInvocationLogs } from './renderInvocationLogs.ts';
import { renderStepTable } from './renderStepTable.ts';

const RUN_ID = /^[A-Za-z0-9_.-]{1,100}$/;


/** `/runs/<id>` — one run: its facts, error and hint, every step chunk with attempts and counts, the events it emitted, its rejects, and the log lines of each invocation. */
export async function showRunPage(context: ConsoleContext, runId: string): Promise<{ readonly title: string; readonly body: Html }> {
  if (!RUN_ID.test(runId)) throw new NotFoundError('console.run_not_found', `${JSON.stringify(runId)} is not a run id; run ids hold letters, digits, _, . and -.`);
  const run = await getRun(context.pool, runId);
  if (run === null) throw new NotFoundError('console.run_not_found', `Run ${runId} does not exist (or was deleted); the runs page lists the ones there are.`);
  const now = context.now();
  const [steps, events, skipped, logs, rejects] = await Promise.all([
    listRunSteps(context.pool, [runId]).then((rows) => rows.map(toStepView)),
    selectRunEvents(context.pool, runId),
    listSkippedRuns(context.pool, runId).then((rows) => rows.map((row) => row.run_id)),
    selectInvocationLogs(context.pool, runId, { limit: 5000 }),
    run.kind === 'dataset' ? selectRejects(context.pool, { source: run.source, dataset: run.dataset, runId, limit: 20 }) : Promise.resolve({ total: 0, rows: [] }),
  ]);
  const trigger = Object.keys(run.trigger_detail).length === 0 ? run.trigger_kind : `${run.trigger_kind} (${Object.entries(run.trigger_detail).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ')})`;
  const datasetLink = consolePath(context.base, 'datasets', run.source, run.dataset);
  const body = html`<h1>${statusBadge(run.status)} <a href="${datasetLink}">${targetName(run)}</a> <span class="mono muted small">${run.run_id}</span></h1>
${renderErrorBox(run.error, 'Run failed')}
${run.status === 'skipped' && run.skipped_for !== null ? html`<p>This trigger was skipped: run <a href="${consolePath(context.base, 'runs', run.skipped_for)}">${run.skipped_for}</a> of the same dataset was active.</p>` : ''}
<div class="facts">
${renderFact('Trigger', trigger)}
${renderFact('Created', `${formatTime(run.created_at)} UTC`)}
${renderFact('Started', formatTime(run.started_at))}
${renderFact('Finished', formatTime(run.finished_at))}
${renderFact('Duration', formatSpan(spanMs(run.started_at, run.finished_at, now)))}
${renderFact('Load', run.load ?? (run.kind === 'gold' ? 'gold rebuild' : '-'))}
${renderFact('Metadata version', run.metadata_version === null ? '-' : String(run.metadata_version))}
</div>
<h2>Steps</h2>
${renderStepTable(steps, now)}
${events.length === 0 ? '' : html`<h2>Events</h2><ul>${events.map((event) => {
  const started = Array.isArray(event.payload.started) ? (event.payload.started as unknown[]).map(String) : [];
  const skippedRuns = Array.isArray(event.payload.skipped) ? (event.payload.skipped as unknown[]).map(String) : [];
  return html`<li>${event.kind} at ${formatTime(event.created_at)} UTC${started.length === 0 ? ' — started nothing' : html` — started ${started.map((id, index) => html`${index > 0 ? ', ' : ''}<a class="mono" href="${consolePath(context.base, 'runs', id)}">${id}</a>`)}`}${skippedRuns.length === 0 ? '' : html`; skipped ${skippedRuns.map((id, index) => html`${index > 0 ? ', ' : ''}<a class="mono" href="${consolePath(context.base, 'runs', id)}">${id}</a>`)}`}</li>`;
})}</ul>`}
${skipped.length === 0 ? '' : html`<h2>Triggers skipped while it ran</h2><p>${skipped.map((id, index) => html`${index > 0 ? ', ' : ''}<a class="mono" href="${consolePath(context.base, 'runs', id)}">${id}</a>`)}</p>`}
${rejects.total === 0 ? '' : html`<h2>Rejected values (${formatCount(rejects.total)})</h2><div class="scroll"><table><thead><tr><th>Column</th><th>Value</th><th>Reason</th><th>Key</th></tr></thead><tbody>
${rejects.rows.map((reject) => html`<tr><td class="mono">${reject.column_name ?? html`<span class="muted">whole record (${reject.layer})</span>`}</td><td class="mono">${reject.value ?? 'missing'}</td><td>${reject.reason}${reject.origin === null ? '' : html` <span class="muted small">(${reject.origin}${reject.line === null ? '' : ` line ${reject.line}`})</span>`}</td><td class="mono">${reject.key === null ? '-' : JSON.stringify(reject.key)}</td></tr>`)}
</tbody></table></div>${rejects.total > rejects.rows.length ? html`<p class="small"><a href="${datasetLink}#rejects">all rejects of ${targetName(run)}</a></p>` : ''}`}
<h2>Log lines</h2>
${renderInvocationLogs(logs)}`;
  return { title: `${targetName(run)} ${run.status}`, body };
}
