import { countGoldRows } from '#orchestrator/api/countGoldRows.ts';
import { selectDatasetStatus } from '#orchestrator/api/selectDatasetStatus.ts';
import { selectModelStatus } from '#orchestrator/api/selectModelStatus.ts';
import { getCurrentMetadataVersion } from '#metadata/catalog/getCurrentMetadataVersion.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import type { ConsoleContext } from './consoleContext.ts';
import { consolePath, formatAgo, formatCount, formatTime, formatUntil, statusBadge } from './consoleFormat.ts';
import { describeFreshness, type Freshness } from './describeFreshness.ts';
import { html, type Html } from './html.ts';
import { readSilverSummary } from '#silver/readSilverSummary.ts';
import { readTargetStates } from './readTargetStates.ts';
import { selectDatasetFacts } from './queries/selectDatasetFacts.ts';

/** A freshness state as a badge, with the next fire time. */
export function renderFreshness(freshness: Freshness, schedule: string | null, now: number): Html {
  const label = freshness.state === 'unscheduled' ? 'no schedule' : freshness.state;
  const badgeClass = freshness.state === 'fresh' ? 'fresh' : freshness.state === 'stale' ? 'failed' : freshness.state === 'due' ? 'stale' : 'never_run';
  const next = freshness.nextAt === null ? '' : html`<div class="muted small">${schedule ?? ''} · next ${formatTime(freshness.nextAt)} (${formatUntil(freshness.nextAt, now)})</div>`;
  return html`<span class="badge ${badgeClass}">${label}</span>${next}`;
}

/** The schedule a dataset runs on: its own (metadata `trigger.schedule`), or its connector function's cron. */
export function effectiveSchedule(own: string | null, connector: string, functionSchedules: Awaited<ReturnType<ConsoleContext['functionSchedules']>>): string | null {
  if (own !== null) return own;
  if (!functionSchedules.ok) return null;
  return functionSchedules.functions.find((entry) => entry.name === connector)?.schedule ?? null;
}

/** `/datasets` — every active dataset with its freshness against its schedule, rows, versions and rejects, and every gold model. */
export async function showDatasetsPage(context: ConsoleContext): Promise<{ readonly title: string; readonly body: Html }> {
  const now = context.now();
  const [datasets, models, facts, version, schedules, stateOf] = await Promise.all([
    selectDatasetStatus(context.pool),
    selectModelStatus(context.pool),
    selectDatasetFacts(context.pool),
    getCurrentMetadataVersion(context.pool),
    context.functionSchedules(),
    readTargetStates(context.pool),
  ]);
  const counts = await Promise.all(datasets.map((row) => readSilverSummary(context.pool, row.source, { name: row.dataset, key: [] })));
  const goldRows = await Promise.all(models.map((row) => countGoldRows(context.pool, row.model)));
  const body = html`<h1>Datasets</h1>
<p class="muted small">Metadata version in force: ${version === null ? 'none (run dp metadata sync)' : html`<b>${version.versionId}</b> (hash ${version.hash.slice(0, 12)}, synced ${formatTime(version.syncedAt)} UTC)`}${schedules.ok ? '' : html` · function schedules unknown: ${schedules.reason}`}</p>
<div class="scroll"><table><thead><tr><th>Dataset</th><th>Last run</th><th>Freshness</th><th class="num">Current</th><th class="num">Deleted</th><th class="num">Versions</th><th class="num">Rejects</th><th class="hide-narrow">Load</th><th class="num hide-narrow">Metadata</th></tr></thead><tbody>
${datasets.map((row, index) => {
  const count = counts[index] ?? null;
  const fact = facts.find((entry) => entry.source === row.source && entry.dataset === row.dataset);
  const schedule = effectiveSchedule(row.schedule, row.connector, schedules);
  const state = stateOf('dataset', row.source, row.dataset);
  return html`<tr><td><a href="${consolePath(context.base, 'datasets', row.source, row.dataset)}"><b>${row.source}.${row.dataset}</b></a><div class="muted small">${row.connector}</div></td>
<td>${state.lastRun === null ? statusBadge(state.status) : html`<a href="${consolePath(context.base, 'runs', state.activeRunId ?? state.lastRun.run_id)}">${statusBadge(state.status)}</a><div class="muted small">${formatAgo(state.lastRun.finished_at ?? state.lastRun.created_at, now)}</div>`}</td>
<td>${renderFreshness(describeFreshness(schedule, state.lastSuccessAt, now), schedule, now)}</td>
<td class="num">${count === null ? '-' : formatCount(count.current)}</td><td class="num">${count === null ? '-' : formatCount(count.deleted)}</td><td class="num">${count === null ? '-' : formatCount(count.versions)}</td>
<td class="num">${fact === undefined || fact.rejects === 0 ? '0' : html`<a href="${consolePath(context.base, 'datasets', row.source, row.dataset)}#rejects">${formatCount(fact.rejects)}</a>`}</td>
<td class="hide-narrow">${row.load}</td><td class="num hide-narrow">${fact === undefined ? '-' : `v${fact.changed_version}`}</td></tr>`;
})}
</tbody></table></div>
<h2>Gold models</h2>
<div class="scroll"><table><thead><tr><th>Model</th><th>Reads</th><th>Last run</th><th>Built</th><th class="num">Rows</th></tr></thead><tbody>
${models.map((row, index) => {
  const state = stateOf('gold', 'gold', row.model);
  return html`<tr><td><a href="${consolePath(context.base, 'datasets', 'gold', row.model)}"><b>gold.${row.model}</b></a></td><td class="small">${row.depends_on.join(', ')}</td>
<td>${state.lastRun === null ? statusBadge(state.status) : html`<a href="${consolePath(context.base, 'runs', state.activeRunId ?? state.lastRun.run_id)}">${statusBadge(state.status)}</a>`}</td>
<td class="small">${formatAgo(state.lastSuccessAt, now)}</td><td class="num">${formatCount(goldRows[index] ?? null)}</td></tr>`;
})}
</tbody></table></div>`;
  return { title: 'Datasets', body };
}
