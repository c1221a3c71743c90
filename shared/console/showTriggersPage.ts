import { selectDatasetStatus } from '#orchestrator/api/selectDatasetStatus.ts';
import { parseSchedule } from '#platform/cron/parseSchedule.ts';
import { nextScheduleSlot } from '#orchestrator/schedule/nextScheduleSlot.ts';
import type { ConsoleContext } from './consoleContext.ts';
import { consolePath, formatTime, formatUntil, statusBadge, targetName } from './consoleFormat.ts';
import { html, type Html } from './html.ts';
import { listConsoleRuns, type ConsoleRun } from './listConsoleRuns.ts';
import { selectRecentEvents } from './queries/selectRecentEvents.ts';
import { selectScheduleSlots } from './queries/selectScheduleSlots.ts';

/** The next fire time of a schedule, or why there is none. */
function nextFire(schedule: string, now: number): Html {
  try {
    const next = nextScheduleSlot(parseSchedule(schedule), now);
    return next === null ? html`<span class="muted">never again</span>` : html`${formatTime(next)} <span class="muted small">(${formatUntil(next, now)})</span>`;
  } catch {
    return html`<span class="muted">does not parse</span>`;
  }
}

const runLink = (base: string, id: string): Html => html`<a class="mono small" href="${consolePath(base, 'runs', id)}">${id}</a>`;

function runList(base: string, runs: readonly ConsoleRun[], empty: string, note: (run: ConsoleRun) => Html | string): Html {
  if (runs.length === 0) return html`<p class="muted">${empty}</p>`;
  return html`<div class="scroll"><table><thead><tr><th>When (UTC)</th><th>Dataset</th><th>Status</th><th>Run</th><th>Detail</th></tr></thead><tbody>
${runs.map((run) => html`<tr><td class="small">${formatTime(run.created_at)}</td><td><a href="${consolePath(base, 'datasets', run.source, run.dataset)}">${targetName(run)}</a></td><td>${statusBadge(run.status)}</td><td>${runLink(base, run.run_id)}</td><td class="small">${note(run)}</td></tr>`)}
</tbody></table></div>`;
}

const FUNCTION_ROLES: Readonly<Record<string, string>> = {
  orchestrator: 'reconcile tick: re-sends lost steps, retries, starts due dataset schedules',
};

/** `/triggers` — schedules with their next fire time, recent webhooks and data events, and the triggers skipped because their dataset was busy. */
export async function showTriggersPage(context: ConsoleContext): Promise<{ readonly title: string; readonly body: Html }> {
  const now = context.now();
  const [functions, datasets, slots, webhooks, events, skipped] = await Promise.all([
    context.functionSchedules(),
    selectDatasetStatus(context.pool),
    selectScheduleSlots(context.pool),
    listConsoleRuns(context.pool, { triggerKind: 'webhook', limit: 20 }),
    selectRecentEvents(context.pool, 30),
    listConsoleRuns(context.pool, { status: 'skipped', limit: 30 }),
  ]);
  const scheduled = datasets.filter((row) => row.schedule !== null);
  const body = html`<h1>Triggers</h1>
<h2>Function schedules <span class="muted small">stack.yml cron annotations, fired by the cron-connector (UTC)</span></h2>
${!functions.ok ? html`<p class="muted">Not available: ${functions.reason}</p>` : functions.functions.length === 0 ? html`<p class="muted">No function has a schedule.</p>` : html`<div class="scroll"><table><thead><tr><th>Function</th><th>Schedule</th><th>Next fire (UTC)</th><th>What it does</th></tr></thead><tbody>
${functions.functions.map((entry) => html`<tr><td><b>${entry.name}</b></td><td class="mono">${entry.schedule}</td><td>${nextFire(entry.schedule, now)}</td><td class="small">${FUNCTION_ROLES[entry.name] ?? `starts runs of every ${entry.name} source`}</td></tr>`)}
</tbody></table></div>`}
<h2>Dataset schedules <span class="muted small">metadata trigger.schedule, started by the reconcile tick</span></h2>
${scheduled.length === 0 ? html`<p class="muted">No dataset has its own schedule; they run on their connector function's schedule.</p>` : html`<div class="scroll"><table><thead><tr><th>Dataset</th><th>Schedule</th><th>Last slot started</th><th>Next fire (UTC)</th></tr></thead><tbody>
${scheduled.map((row) => {
  const slot = slots.find((entry) => entry.source === row.source && entry.dataset === row.dataset);
  return html`<tr><td><a href="${consolePath(context.base, 'datasets', row.source, row.dataset)}">${row.source}.${row.dataset}</a></td><td class="mono">${row.schedule}</td>
<td>${slot === undefined ? html`<span class="muted">none yet</span>` : html`${formatTime(slot.last_slot_at)}${slot.last_run_id === null ? '' : html` · ${runLink(context.base, slot.last_run_id)}`}`}</td><td>${nextFire(row.schedule ?? '', now)}</td></tr>`;
})}
</tbody></table></div>`}
<h2>Recent webhooks</h2>
${runList(context.base, webhooks, 'No webhook has started a run.', (run) => Object.entries(run.trigger_detail).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', '))}
<h2>Recent data events</h2>
${events.length === 0 ? html`<p class="muted">No events yet: a run that changes silver (or rebuilds a gold model) records one and starts what reads it.</p>` : html`<div class="scroll"><table><thead><tr><th>When (UTC)</th><th>Event</th><th>Changed</th><th>By run</th><th>Started</th><th>Skipped</th></tr></thead><tbody>
${events.map((event) => {
  const ids = (name: string): readonly string[] => (Array.isArray(event.payload[name]) ? (event.payload[name] as unknown[]).map(String) : []);
  return html`<tr><td class="small">${formatTime(event.created_at)}</td><td>${event.kind}</td><td><a href="${consolePath(context.base, 'datasets', event.source, event.dataset)}">${event.source}.${event.dataset}</a></td><td>${runLink(context.base, event.run_id)}</td>
<td>${ids('started').map((id, index) => html`${index > 0 ? html`<br>` : ''}${runLink(context.base, id)}`)}</td><td>${ids('skipped').map((id, index) => html`${index > 0 ? html`<br>` : ''}${runLink(context.base, id)}`)}</td></tr>`;
})}
</tbody></table></div>`}
<h2>Skipped triggers <span class="muted small">a trigger that came while its dataset had an active run</span></h2>
${runList(context.base, skipped, 'None skipped.', (run) => (run.skipped_for === null ? run.trigger_kind : html`${run.trigger_kind} trigger; ${runLink(context.base, run.skipped_for)} was active`))}`;
  return { title: 'Triggers', body };
}
