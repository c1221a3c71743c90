import { statusColour } from './consoleStyle.ts';
import { consolePath, formatSpan, formatTime, spanMs, targetName } from './consoleFormat.ts';
import { html, type Html } from './html.ts';
import type { ConsoleRun } from './listConsoleRuns.ts';

const STEPS_MS = [1e3, 2e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3, 43200e3, 86400e3, 172800e3, 604800e3];

/** Two drawings of the same timeline: lane names beside the bars on a wide screen, above them on a phone. */
type Layout = { readonly width: number; readonly label: number; readonly lane: number; readonly barTop: number; readonly barHeight: number; readonly labelY: number; readonly ticks: number; readonly font: number };
const WIDE: Layout = { width: 1000, label: 210, lane: 28, barTop: 5, barHeight: 18, labelY: 18, ticks: 8, font: 13 };
const NARROW: Layout = { width: 400, label: 0, lane: 38, barTop: 19, barHeight: 14, labelY: 14, ticks: 4, font: 12 };
const TOP = 26;

/** Lanes in a stable order: datasets by name, then gold models. */
function lanesOf(runs: readonly ConsoleRun[]): string[] {
  const names = [...new Set(runs.map(targetName))];
  return names.sort((a, b) => Number(a.startsWith('gold.')) - Number(b.startsWith('gold.')) || a.localeCompare(b));
}

function tickLabel(at: number, stepMs: number, spanDays: boolean): string {
  const iso = new Date(at).toISOString();
  if (spanDays) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return stepMs < 60_000 ? iso.slice(11, 19) : iso.slice(11, 16);
}

function draw(runs: readonly ConsoleRun[], layout: Layout, base: string, now: number): Html {
  const lanes = lanesOf(runs);
  const startOf = (run: ConsoleRun): number => (run.started_at ?? run.created_at).getTime();
  const endOf = (run: ConsoleRun): number => (run.finished_at?.getTime() ?? (run.status === 'skipped' ? run.created_at.getTime() : now));
  let from = Math.min(...runs.map(startOf));
  let to = Math.max(...runs.map(endOf));
  const pad = Math.max(500, (to - from) * 0.02);
  from -= pad;
  to += pad;
  const left = layout.label + 8;
  const plot = layout.width - left - 10;
  const x = (at: number): number => left + ((at - from) / (to - from)) * plot;
  const height = TOP + lanes.length * layout.lane + 8;
  const stepMs = STEPS_MS.find((candidate) => (to - from) / candidate <= layout.ticks) ?? 30 * 86_400_000;
  const ticks: number[] = [];
  for (let at = Math.ceil(from / stepMs) * stepMs; at <= to; at += stepMs) ticks.push(at);
  const spanDays = to - from > 86_400_000;
  // skipped triggers last, so their diamonds sit on top of the run that was active
  const bars = [...runs].sort((a, b) => Number(a.status === 'skipped') - Number(b.status === 'skipped')).map((run) => {
    const y = TOP + lanes.indexOf(targetName(run)) * layout.lane + layout.barTop;
    const took = formatSpan(spanMs(run.started_at, run.finished_at, now));
    const tip = `${targetName(run)} · ${run.status} · ${run.trigger_kind} · ${formatTime(run.created_at)} UTC${run.status === 'skipped' ? '' : ` · ${took}`}`;
    const href = consolePath(base, 'runs', run.run_id);
    if (run.status === 'skipped') {
      const cx = x(run.created_at.getTime());
      const half = layout.barHeight / 2 + 1;
      return html`<a href="${href}"><title>${tip}</title><path d="M${cx.toFixed(1)} ${y - 1} l${half} ${half} l${-half} ${half} l${-half} ${-half} z" fill="${statusColour('skipped')}" stroke="#fff" stroke-width="1.5"/></a>`;
    }
    const start = x(startOf(run));
    const width = Math.max(5, x(endOf(run)) - start);
    return html`<a href="${href}"><title>${tip}</title><rect x="${start.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${layout.barHeight}" rx="3" fill="${statusColour(run.status)}"/></a>`;
  });
  return html`<svg role="img" aria-label="Timeline of the runs shown below" viewBox="0 0 ${layout.width} ${height}" width="${layout.width}" style="width:100%">
<rect x="0" y="0" width="${layout.width}" height="${height}" fill="#fff"/>
<text x="4" y="${TOP - 9}" font-size="11" fill="#5f6b7a">UTC</text>
${lanes.map((lane, index) => html`<rect x="0" y="${TOP + index * layout.lane}" width="${layout.width}" height="${layout.lane}" fill="${index % 2 === 0 ? '#f7f8fa' : '#fff'}"/>
<text x="${layout.label === 0 ? 4 : 8}" y="${TOP + index * layout.lane + layout.labelY}" font-size="${layout.font}" fill="#1d2125">${lane}</text>`)}
${ticks.map((at) => html`<line x1="${x(at).toFixed(1)}" y1="${TOP - 4}" x2="${x(at).toFixed(1)}" y2="${height - 6}" stroke="#d5dae0" stroke-width="1"/>
<text x="${x(at).toFixed(1)}" y="${TOP - 9}" font-size="11" fill="#5f6b7a" text-anchor="middle">${tickLabel(at, stepMs, spanDays)}</text>`)}
${layout.label === 0 ? '' : html`<line x1="${left}" y1="${TOP}" x2="${left}" y2="${height - 6}" stroke="#aab3bd"/>`}
${bars}
</svg>`;
}

/**
 * The runs as an SVG timeline: one lane per dataset (and gold model), one bar per run from its start to its
 * end (or now, while active), coloured by status; a skipped trigger is a grey diamond. Each bar links to its run
 * and carries a tooltip. Drawn twice — names beside the lanes for wide screens, above them for phones — and
 * CSS shows the one that fits. Times are UTC.
 */
export function renderRunTimeline(runs: readonly ConsoleRun[], options: { readonly base: string; readonly now: number }): Html {
  if (runs.length === 0) return html`<p class="muted">No runs yet: start one with <code>dp run &lt;source&gt;</code>.</p>`;
  return html`<div class="only-wide">${draw(runs, WIDE, options.base, options.now)}</div><div class="only-narrow">${draw(runs, NARROW, options.base, options.now)}</div>`;
}
