import { statusColour } from './consoleStyle.ts';
import { consolePath, formatSpan, formatTime, spanMs, targetName } from './consoleFormat.ts';
import { html, type Html } from './html.ts';
import type { ConsoleRun } from './queries/selectConsoleRuns.ts';

const WIDTH = 1000;
const LABEL = 210;
const LANE = 28;
const TOP = 26;
const STEPS_MS = [1e3, 2e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3, 43200e3, 86400e3, 172800e3, 604800e3];

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

/**
 * The runs as an SVG timeline: one lane per dataset (and gold model), one bar per run from its start to its
 * end (or now, while active), coloured by status; a skipped trigger is a grey diamond. Each bar links to its run
 * and carries a tooltip. Times are UTC.
 */
export function renderRunTimeline(runs: readonly ConsoleRun[], options: { readonly base: string; readonly now: number }): Html {
  if (runs.length === 0) return html`<p class="muted">No runs yet: start one with <code>dp run &lt;source&gt;</code>.</p>`;
  const lanes = lanesOf(runs);
  const startOf = (run: ConsoleRun): number => (run.started_at ?? run.created_at).getTime();
  const endOf = (run: ConsoleRun): number => (run.finished_at?.getTime() ?? (run.status === 'skipped' ? run.created_at.getTime() : options.now));
  let from = Math.min(...runs.map(startOf));
  let to = Math.max(...runs.map(endOf));
  const pad = Math.max(500, (to - from) * 0.02);
  from -= pad;
  to += pad;
  const plot = WIDTH - LABEL - 12;
  const x = (at: number): number => LABEL + ((at - from) / (to - from)) * plot;
  const height = TOP + lanes.length * LANE + 8;
  const stepMs = STEPS_MS.find((candidate) => (to - from) / candidate <= 8) ?? 30 * 86_400_000;
  const ticks: number[] = [];
  for (let at = Math.ceil(from / stepMs) * stepMs; at <= to; at += stepMs) ticks.push(at);
  const spanDays = to - from > 86_400_000;

  const bars = [...runs].sort((a, b) => Number(a.status === 'skipped') - Number(b.status === 'skipped')).map((run) => {
    const lane = lanes.indexOf(targetName(run));
    const y = TOP + lane * LANE + 5;
    const took = formatSpan(spanMs(run.started_at, run.finished_at, options.now));
    const tip = `${targetName(run)} · ${run.status} · ${run.trigger} · ${formatTime(run.created_at)} UTC${run.status === 'skipped' ? '' : ` · ${took}`}`;
    const href = consolePath(options.base, 'runs', run.run_id);
    if (run.status === 'skipped') {
      const cx = x(run.created_at.getTime());
      return html`<a href="${href}"><title>${tip}</title><path d="M${cx.toFixed(1)} ${y - 1} l7 9 l-7 9 l-7 -9 z" fill="${statusColour('skipped')}" stroke="#fff" stroke-width="1.5"/></a>`;
    }
    const left = x(startOf(run));
    const width = Math.max(5, x(endOf(run)) - left);
    return html`<a href="${href}"><title>${tip}</title><rect x="${left.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${LANE - 10}" rx="3" fill="${statusColour(run.status)}"/></a>`;
  });

  return html`<div class="scroll"><svg role="img" aria-label="Timeline of the runs shown below" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" style="min-width:900px;width:100%">
<rect x="0" y="0" width="${WIDTH}" height="${height}" fill="#fff"/>
${lanes.map((lane, index) => html`<rect x="0" y="${TOP + index * LANE}" width="${WIDTH}" height="${LANE}" fill="${index % 2 === 0 ? '#f7f8fa' : '#fff'}"/>
<text x="8" y="${TOP + index * LANE + 18}" font-size="13" fill="#1d2125">${lane}</text>`)}
${ticks.map((at) => html`<line x1="${x(at).toFixed(1)}" y1="${TOP - 4}" x2="${x(at).toFixed(1)}" y2="${height - 6}" stroke="#d5dae0" stroke-width="1"/>
<text x="${x(at).toFixed(1)}" y="${TOP - 9}" font-size="11" fill="#5f6b7a" text-anchor="middle">${tickLabel(at, stepMs, spanDays)}</text>`)}
<line x1="${LABEL}" y1="${TOP}" x2="${LABEL}" y2="${height - 6}" stroke="#aab3bd"/>
${bars}
</svg></div>`;
}
