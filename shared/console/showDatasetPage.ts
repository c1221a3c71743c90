import { getDataset } from '#metadata/catalog/getDataset.ts';
import { getCurrentMetadataVersion } from '#metadata/catalog/getCurrentMetadataVersion.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { createKeyHasher } from '#pipeline/records/computeKeyHash.ts';
import { hexToUuid } from '#pipeline/records/hash128.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { ConsoleContext } from './consoleContext.ts';
import { consolePath, renderFact, formatAgo, formatCount, formatTime } from './consoleFormat.ts';
import { describeFreshness } from './describeFreshness.ts';
import { html, type Html } from './html.ts';
import { readSilverSummary } from '#silver/readSilverSummary.ts';
import { listConsoleRuns } from './listConsoleRuns.ts';
import { readTargetStates } from './readTargetStates.ts';
import { selectKeyHistory } from './queries/selectKeyHistory.ts';
import { selectRejects } from './queries/selectRejects.ts';
import { readRowsOverTime } from './readRowsOverTime.ts';
import { renderKeyHistory } from './renderKeyHistory.ts';
import { renderRowsChart } from './renderRowsChart.ts';
import { effectiveSchedule, renderFreshness } from './showDatasetsPage.ts';
import { renderRunTable } from './showRunsPage.ts';

const queryText = (query: Readonly<Record<string, string | string[]>>, name: string): string | undefined => {
  const value = query[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? undefined : text.trim();
};

/**
 * `/datasets/<source>/<dataset>` — one dataset: counts, freshness, the metadata version in force, rows over time,
 * its runs, the history of one key (`?key.<column>=<value>` for each key column), its rejects and its columns.
 */
export async function showDatasetPage(context: ConsoleContext, source: string, dataset: string, query: Readonly<Record<string, string | string[]>>): Promise<{ readonly title: string; readonly body: Html }> {
  const now = context.now();
  const catalog = await getDataset(context.pool, source, dataset);
  const ref = { source: catalog.source, dataset: catalog.dataset };
  const plan = resolveDatasetColumns(ref);
  const table = datasetTableName(source, dataset);
  const [counts, runs, rejects, stateOf, version, schedules] = await Promise.all([
    readSilverSummary(context.pool, source, { name: dataset, key: [] }),
    listConsoleRuns(context.pool, { source, dataset, limit: 20 }),
    selectRejects(context.pool, { source, dataset, limit: 50 }),
    readTargetStates(context.pool),
    getCurrentMetadataVersion(context.pool),
    context.functionSchedules(),
  ]);
  const state = stateOf('dataset', source, dataset);
  const points = counts === null ? [] : await readRowsOverTime(context.pool, source, dataset, counts.current);
  const schedule = effectiveSchedule(catalog.dataset.trigger?.schedule ?? null, catalog.source.connector, schedules);

  const keyValues = plan.key.map((column) => ({ column, value: queryText(query, `key.${column.name}`) }));
  let history: Html = html``;
  if (keyValues.every((entry) => entry.value !== undefined)) {
    const hasher = createKeyHasher(plan.key.map((column) => ({ ...column, path: column.name })));
    const hashed = hasher(Object.fromEntries(keyValues.map((entry) => [entry.column.name, entry.value])));
    const label = keyValues.map((entry) => entry.value).join(', ');
    if (!hashed.ok) {
      history = html`<div class="error">${label} is not a key of ${source}.${dataset}: ${hashed.reason}.</div>`;
    } else if (counts === null) {
      history = html`<p class="muted">silver.${table} does not exist yet.</p>`;
    } else {
      const versions = await selectKeyHistory(context.pool, table, plan.columns.map((column) => column.name), hexToUuid(hashed.hex));
      history = versions.length === 0
        ? html`<p>No version of key <b class="mono">${label}</b> in silver.${table}.</p>`
        : html`<h3>Key <span class="mono">${label}</span>: ${versions.length} ${versions.length === 1 ? 'version' : 'versions'}</h3>${renderKeyHistory(versions, plan.columns.map((column) => column.name))}`;
    }
  }

  const definition = catalog.dataset;
  const body = html`<h1>${source}.${dataset} <span class="muted small">${catalog.source.connector} · ${definition.load} load</span></h1>
${catalog.retiredAt === null ? '' : html`<div class="error">Retired from the metadata on ${formatTime(catalog.retiredAt)} UTC; its silver table and history are kept.</div>`}
${definition.description === undefined ? '' : html`<p>${definition.description}</p>`}
<div class="facts">
${renderFact('Current rows', counts === null ? '-' : formatCount(counts.current))}
${renderFact('Deleted keys', counts === null ? '-' : formatCount(counts.deleted))}
${renderFact('Versions kept', counts === null ? '-' : formatCount(counts.versions))}
${renderFact('Rejects', formatCount(rejects.total))}
${renderFact('Last success', formatAgo(state.lastSuccessAt, now))}
${renderFact('Freshness', renderFreshness(describeFreshness(schedule, state.lastSuccessAt, now), schedule, now))}
${renderFact('Metadata', html`v${catalog.changedVersion}<div class="muted small">definition from version ${catalog.changedVersion}; catalog at ${version?.versionId ?? '-'}</div>`)}
${renderFact('Key', definition.key.join(', '))}
</div>
<h2>Rows over time</h2>
<div class="card">${renderRowsChart(points)}</div>
<h2 id="history">History of a key</h2>
<form class="filters" method="get" action="${consolePath(context.base, 'datasets', source, dataset)}#history">
${keyValues.map((entry) => html`<label>${entry.column.name} (${entry.column.type})<input name="key.${entry.column.name}" value="${entry.value ?? ''}" required></label>`)}
<button type="submit">Show versions</button></form>
${history}
<h2>Runs</h2>
${runs.length === 0 ? html`<p class="muted">No runs yet.</p>` : renderRunTable(runs, context.base, now)}
<p class="small"><a href="${context.base}/?source=${encodeURIComponent(source)}">all runs of ${source}</a></p>
<h2 id="rejects">Rejected values (${formatCount(rejects.total)})</h2>
${rejects.total === 0 ? html`<p class="muted">None: every received value cast to its column type.</p>` : html`<div class="scroll"><table><thead><tr><th>When (UTC)</th><th>Column</th><th>Value</th><th>Reason</th><th>Key</th><th>Run</th></tr></thead><tbody>
${rejects.rows.map((reject) => html`<tr><td class="small">${formatTime(reject.created_at)}</td><td class="mono">${reject.column_name ?? html`<span class="muted">whole record (${reject.layer})</span>`}</td><td class="mono">${reject.value ?? 'missing'}</td><td>${reject.reason}${reject.origin === null ? '' : html` <span class="muted small">(${reject.origin}${reject.line === null ? '' : ` line ${reject.line}`})</span>`}</td><td class="mono">${reject.key === null ? '-' : JSON.stringify(reject.key)}</td><td class="mono small"><a href="${consolePath(context.base, 'runs', reject.run_id)}">${reject.run_id}</a></td></tr>`)}
</tbody></table></div>${rejects.total > rejects.rows.length ? html`<p class="muted small">the ${rejects.rows.length} newest of ${formatCount(rejects.total)}</p>` : ''}`}
<h2>Columns</h2>
<div class="scroll"><table><thead><tr><th>Column</th><th>Type</th><th>History</th><th class="hide-narrow">Read from</th><th class="hide-narrow">Description</th></tr></thead><tbody>
${definition.columns.map((column) => html`<tr><td class="mono">${column.name}</td><td>${column.type}</td><td>${definition.key.includes(column.name) ? 'key' : column.scd === 2 ? 'scd 2 (versioned)' : column.scd === 1 ? 'scd 1 (overwritten)' : 'none'}</td><td class="mono hide-narrow">${column.source ?? column.name}</td><td class="hide-narrow">${column.description ?? ''}</td></tr>`)}
</tbody></table></div>`;
  return { title: `${source}.${dataset}`, body };
}
