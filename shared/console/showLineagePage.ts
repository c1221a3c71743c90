import { z } from 'zod';

import { selectDatasetStatus } from '#orchestrator/api/selectDatasetStatus.ts';
import { selectModelStatus } from '#orchestrator/api/selectModelStatus.ts';
import { parseInput } from '#platform/function/parseInput.ts';
import type { ConsoleContext } from './consoleContext.ts';
import { consolePath, formatAgo } from './consoleFormat.ts';
import { STATUS_COLOURS, statusColour } from './consoleStyle.ts';
import { html, type Html } from './html.ts';
import { readTargetStates } from './readTargetStates.ts';
import { layoutLineage, NODE_HEIGHT, NODE_WIDTH, type LineageEdge, type LineageNode, type PlacedNode } from './layoutLineage.ts';

const lineageQuerySchema = z.object({ focus: z.string().max(200).optional() });

/** The worst of several statuses, for a source drawn over its datasets. */
function worstStatus(statuses: readonly string[]): string {
  for (const status of ['failed', 'running', 'pending', 'succeeded', 'skipped']) if (statuses.includes(status)) return status;
  return 'never_run';
}

/** Every node linked to `focus` upstream or downstream (itself included). */
function lineageOf(focus: string, edges: readonly LineageEdge[]): ReadonlySet<string> {
  const found = new Set([focus]);
  for (const [near, far] of [['to', 'from'], ['from', 'to']] as const) {
    const seen = new Set([focus]);
    const queue = [focus];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (const edge of edges) {
        if (edge[near] === id && !seen.has(edge[far])) {
          seen.add(edge[far]);
          found.add(edge[far]);
          queue.push(edge[far]);
        }
      }
    }
  }
  return found;
}

function renderNode(node: PlacedNode, dimmed: boolean, focused: boolean): Html {
  const colour = statusColour(node.status);
  return html`<a href="${node.href}"><g opacity="${dimmed ? 0.35 : 1}"><title>${node.label}: ${node.status.replace('_', ' ')}${node.note === '' ? '' : ` · ${node.note}`}</title>
<rect x="${node.x}" y="${node.y}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="7" fill="#fff" stroke="${focused ? '#1d2733' : colour}" stroke-width="${focused ? 3 : 2}"/>
<rect x="${node.x}" y="${node.y}" width="8" height="${NODE_HEIGHT}" rx="3" fill="${colour}"/>
<text x="${node.x + 16}" y="${node.y + 21}" font-size="14" font-weight="600" fill="#1d2125">${node.label.length > 26 ? `${node.label.slice(0, 25)}…` : node.label}</text>
<text x="${node.x + 16}" y="${node.y + 40}" font-size="12" fill="${colour}">${node.status.replace('_', ' ')}<tspan fill="#5f6b7a">${node.note === '' ? '' : ` · ${node.note}`}</tspan></text></g></a>`;
}

/** `/lineage` — sources → datasets → gold models as an SVG, each node coloured by its state; `?focus=<node>` stresses one node's lineage. */
export async function showLineagePage(context: ConsoleContext, query: unknown): Promise<{ readonly title: string; readonly body: Html }> {
  const { focus } = parseInput(lineageQuerySchema, query, 'The lineage page query', 'Allowed: focus (a dataset `source.dataset` or `gold.model`).');
  const now = context.now();
  const [datasets, models, stateOf] = await Promise.all([selectDatasetStatus(context.pool), selectModelStatus(context.pool), readTargetStates(context.pool)]);
  const nodes: LineageNode[] = [];
  const edges: LineageEdge[] = [];
  const sourceNames = [...new Set(datasets.map((row) => row.source))];
  for (const source of sourceNames) {
    const own = datasets.filter((row) => row.source === source);
    const statuses = own.map((row) => stateOf('dataset', row.source, row.dataset).status);
    nodes.push({ id: `source:${source}`, kind: 'source', label: source, status: worstStatus(statuses), note: `${own[0]?.connector ?? ''} source`, href: `${context.base}/?source=${encodeURIComponent(source)}` });
  }
  for (const row of datasets) {
    const id = `${row.source}.${row.dataset}`;
    const state = stateOf('dataset', row.source, row.dataset);
    nodes.push({ id, kind: 'dataset', label: id, status: state.status, note: state.lastRun === null ? '' : formatAgo(state.lastRun.finished_at ?? state.lastRun.created_at, now), href: consolePath(context.base, 'datasets', row.source, row.dataset) });
    edges.push({ from: `source:${row.source}`, to: id });
  }
  for (const row of models) {
    const id = `gold.${row.model}`;
    const state = stateOf('gold', 'gold', row.model);
    nodes.push({ id, kind: 'model', label: id, status: state.status, note: state.lastRun === null ? '' : formatAgo(state.lastRun.finished_at ?? state.lastRun.created_at, now), href: consolePath(context.base, 'datasets', 'gold', row.model) });
    for (const upstream of row.depends_on) edges.push({ from: upstream, to: id });
  }
  const known = new Set(nodes.map((node) => node.id));
  const drawn = edges.filter((edge) => known.has(edge.from) && known.has(edge.to));
  const layout = layoutLineage(nodes, drawn);
  const at = new Map(layout.nodes.map((node) => [node.id, node]));
  const focusId = focus !== undefined && known.has(focus) ? focus : undefined;
  const lit = focusId === undefined ? undefined : lineageOf(focusId, drawn);
  const columns = [...new Set(layout.nodes.map((node) => node.column))].sort();
  const body = html`<h1>Lineage</h1>
<p class="muted small">Where each table comes from: sources → datasets (silver tables) → gold models. Colours are each node's last run; a node links to its page.${focusId === undefined ? html` Focus one: ${models.map((row, index) => html`${index > 0 ? ', ' : ''}<a href="${context.base}/lineage?focus=${encodeURIComponent(`gold.${row.model}`)}">gold.${row.model}</a>`)}.` : html` Showing the lineage of <b>${focusId}</b> · <a href="${context.base}/lineage">show all</a>.`}</p>
<div class="legend">${Object.entries(STATUS_COLOURS).filter(([status]) => status !== 'dispatched').map(([status, colour]) => html`<span><i style="background:${colour}"></i>${status.replace('_', ' ')}</span>`)}</div>
<div class="card scroll"><svg role="img" aria-label="Lineage from sources to gold models" viewBox="0 0 ${layout.width} ${layout.height}" width="${layout.width}" style="min-width:${Math.min(layout.width, 900)}px;width:100%">
<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto"><path d="M0 0 L10 5 L0 10 z" fill="#7b8794"/></marker></defs>
${columns.map((column) => {
  const x = layout.nodes.find((node) => node.column === column)?.x ?? 0;
  return html`<text x="${x}" y="22" font-size="12" font-weight="600" fill="#5f6b7a" letter-spacing="0.5">${column === 0 ? 'SOURCES' : column === 1 ? 'DATASETS (SILVER)' : column === 2 ? 'GOLD MODELS' : 'GOLD (READS GOLD)'}</text>`;
})}
${drawn.map((edge) => {
  const from = at.get(edge.from)!;
  const to = at.get(edge.to)!;
  const x1 = from.x + NODE_WIDTH;
  const y1 = from.y + NODE_HEIGHT / 2;
  const x2 = to.x - 3;
  const y2 = to.y + NODE_HEIGHT / 2;
  const on = lit === undefined || (lit.has(edge.from) && lit.has(edge.to));
  return html`<path d="M${x1} ${y1} C${x1 + 45} ${y1}, ${x2 - 45} ${y2}, ${x2} ${y2}" fill="none" stroke="${on ? (lit === undefined ? '#9aa5b1' : '#1d2733') : '#dfe3e8'}" stroke-width="${on && lit !== undefined ? 2.5 : 1.6}" marker-end="url(#arrow)"/>`;
})}
${layout.nodes.map((node) => renderNode(node, lit !== undefined && !lit.has(node.id), node.id === focusId))}
</svg></div>`;
  return { title: 'Lineage', body };
}
