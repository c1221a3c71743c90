import { formatCount, formatTime } from './consoleFormat.ts';
import { html, type Html } from './html.ts';
import type { RowsPoint } from './readRowsOverTime.ts';

const WIDTH = 1000;
const HEIGHT = 240;
const LEFT = 64;
const RIGHT = 16;
const TOP = 22;
const BOTTOM = 40;

/**
 * The live rows of a silver table as an SVG column chart, one column per run that changed it (oldest left), its
 * height the rows after that run and a tooltip with what the run changed. Runs are evenly spaced rather than
 * placed on a time axis, so a burst of runs stays readable next to a quiet month; each column names its time.
 */
export function renderRowsChart(points: readonly RowsPoint[]): Html {
  if (points.length === 0) return html`<p class="muted">No rows yet: no run has reached silver.</p>`;
  const top = Math.max(1, ...points.map((point) => point.rows)) * 1.12;
  const plot = WIDTH - LEFT - RIGHT;
  const slot = plot / Math.max(points.length, 8);
  const column = Math.min(46, slot * 0.7);
  const y = (value: number): number => TOP + (1 - value / top) * (HEIGHT - TOP - BOTTOM);
  const base = y(0);
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  const grid = [0, Math.round(top / 1.12 / 2), Math.round(top / 1.12)];
  return html`<div class="scroll"><svg role="img" aria-label="Rows after each run that changed the table" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" style="min-width:600px;width:100%">
<rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>
${grid.map((value) => html`<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#e3e7ec"/><text x="${LEFT - 8}" y="${(y(value) + 4).toFixed(1)}" font-size="12" fill="#5f6b7a" text-anchor="end">${formatCount(value)}</text>`)}
${points.map((point, index) => {
  const x = LEFT + slot * index + (slot - column) / 2;
  const label = `${formatTime(point.at)} UTC, run ${point.runId}: ${formatCount(point.rows)} rows after +${formatCount(point.inserted)} new or revived, ${formatCount(point.updated)} changed, −${formatCount(point.deleted)} deleted`;
  const last = index === points.length - 1;
  return html`<g><title>${label}</title>
<rect x="${x.toFixed(1)}" y="${y(point.rows).toFixed(1)}" width="${column.toFixed(1)}" height="${Math.max(1, base - y(point.rows)).toFixed(1)}" rx="2" fill="#1565c0"/>
${last || points.length <= 12 ? html`<text x="${(x + column / 2).toFixed(1)}" y="${(y(point.rows) - 5).toFixed(1)}" font-size="11" fill="#1d2125" text-anchor="middle">${formatCount(point.rows)}</text>` : ''}
${index % labelEvery === 0 || last ? html`<text x="${(x + column / 2).toFixed(1)}" y="${HEIGHT - 22}" font-size="11" fill="#5f6b7a" text-anchor="middle">${formatTime(point.at).slice(5, 10)}</text><text x="${(x + column / 2).toFixed(1)}" y="${HEIGHT - 8}" font-size="11" fill="#5f6b7a" text-anchor="middle">${formatTime(point.at).slice(11, 19)}</text>` : ''}</g>`;
})}
</svg></div>
<div class="legend"><span><i style="background:#1565c0"></i>current rows after each run that changed them (hover a column for what the run did)</span></div>`;
}
