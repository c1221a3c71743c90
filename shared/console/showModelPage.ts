import { countGoldRows } from '#orchestrator/api/countGoldRows.ts';
import { selectModelStatus } from '#orchestrator/api/selectModelStatus.ts';
import { readTargetStates } from './readTargetStates.ts';
import { NotFoundError } from '#platform/errors.ts';
import type { ConsoleContext } from './consoleContext.ts';
import { consolePath, renderFact, formatAgo, formatCount, formatTime } from './consoleFormat.ts';
import { html, type Html } from './html.ts';
import { listConsoleRuns } from './listConsoleRuns.ts';
import { selectGoldModel } from './queries/selectGoldModel.ts';
import { renderRunTable } from './showRunsPage.ts';


/** A `depends_on` entry as a link to its dataset or model page. */
function upstreamLink(base: string, upstream: string): Html {
  const [first, second] = upstream.split('.');
  return html`<a href="${consolePath(base, 'datasets', first ?? '', second ?? '')}">${upstream}</a>`;
}

/** `/datasets/gold/<model>` — one gold model: what it reads and what reads it, its rows, its runs and its SQL. */
export async function showModelPage(context: ConsoleContext, name: string): Promise<{ readonly title: string; readonly body: Html }> {
  const now = context.now();
  const model = await selectGoldModel(context.pool, name);
  if (model === null) throw new NotFoundError('console.model_not_found', `There is no gold model \`${name}\` in the catalog; the datasets page lists the models there are.`);
  const [rows, runs, statuses, stateOf] = await Promise.all([
    countGoldRows(context.pool, name),
    listConsoleRuns(context.pool, { source: 'gold', dataset: name, limit: 20 }),
    selectModelStatus(context.pool),
    readTargetStates(context.pool),
  ]);
  const readers = statuses.filter((entry) => entry.depends_on.includes(`gold.${name}`));
  const body = html`<h1>gold.${name} <span class="muted small">gold model</span></h1>
${model.retired_at === null ? '' : html`<div class="error">Retired from the metadata on ${formatTime(model.retired_at)} UTC.</div>`}
${model.description === null ? '' : html`<p>${model.description}</p>`}
<div class="facts">
${renderFact('Rows', formatCount(rows))}
${renderFact('Built', formatAgo(stateOf('gold', 'gold', name).lastSuccessAt, now))}
${renderFact('Reads', html`${model.depends_on.map((upstream, index) => html`${index > 0 ? ', ' : ''}${upstreamLink(context.base, upstream)}`)}`)}
${renderFact('Read by', readers.length === 0 ? '-' : html`${readers.map((reader, index) => html`${index > 0 ? ', ' : ''}${upstreamLink(context.base, `gold.${reader.model}`)}`)}`)}
${renderFact('Metadata', `v${model.changed_version}`)}
</div>
<h2>Runs</h2>
${runs.length === 0 ? html`<p class="muted">Not built yet: it is built when something it reads changes.</p>` : renderRunTable(runs, context.base, now)}
<h2>SQL <span class="muted small">${model.sql_file}</span></h2>
<pre class="card">${model.sql_text}</pre>`;
  return { title: `gold.${name}`, body };
}
