import type { StepView } from '#orchestrator/api/toStepView.ts';
import { formatCount, formatSpan, formatTime, readErrorRecord, statusBadge } from './consoleFormat.ts';
import { html, type Html } from './html.ts';
import { renderErrorBox } from './renderErrorBox.ts';

const COUNTS = ['read', 'inserted', 'updated', 'closed', 'deleted', 'rejected', 'unchanged'] as const;

/** A step's detail facts in a few words (files imported, model built…), JSON for what has no words. */
function describeDetail(detail: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(detail)
    .filter(([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const text = parts.join(' · ');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** A run's step chunks: status, attempts, times, the seven counts, detail and error with its hint. */
export function renderStepTable(steps: readonly StepView[], now: number): Html {
  if (steps.length === 0) return html`<p class="muted">No step has been dispatched yet.</p>`;
  return html`<div class="scroll"><table><thead><tr><th>Step</th><th>Status</th><th class="num">Attempt</th><th class="hide-narrow">Function</th><th>Started (UTC)</th><th class="num">Duration</th>
${COUNTS.map((name) => html`<th class="num">${name}</th>`)}</tr></thead><tbody>
${steps.map((step) => {
  const running = step.status === 'running' && step.started_at !== null ? now - step.started_at.getTime() : null;
  const detail = describeDetail(step.detail);
  const error = readErrorRecord(step.error);
  return html`<tr class="${step.status === 'failed' ? 'failed' : ''}"><td><b>${step.step}</b>${step.chunk > 0 ? ` #${step.chunk}` : ''}</td><td>${statusBadge(step.status)}</td>
<td class="num">${step.attempt}</td><td class="hide-narrow">${step.function ?? '-'}</td><td class="small">${formatTime(step.started_at)}</td>
<td class="num">${formatSpan(step.duration_ms ?? running)}</td>
${COUNTS.map((name) => html`<td class="num">${formatCount(step.counts[name])}</td>`)}</tr>
${detail === '' && error === null && step.next_attempt_at === null ? '' : html`<tr class="${step.status === 'failed' ? 'failed' : ''}"><td></td><td colspan="${5 + COUNTS.length}" class="small">${detail === '' ? '' : html`<div class="muted">${detail}</div>`}${step.next_attempt_at === null ? '' : html`<div>next attempt at ${formatTime(step.next_attempt_at)} UTC</div>`}${renderErrorBox(step.error, 'Step error')}</td></tr>`}`;
})}
</tbody></table></div>`;
}
