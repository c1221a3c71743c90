import { formatDuration } from '#platform/formatDuration.ts';
import { html, type Html } from './html.ts';

/** `2026-12-01 15:52:07` (UTC); `-` for none. */
export function formatTime(at: Date | string | null | undefined): string {
  if (at === null || at === undefined) return '-';
  const date = typeof at === 'string' ? new Date(at) : at;
  return Number.isNaN(date.getTime()) ? '-' : date.toISOString().replace('T', ' ').slice(0, 19);
}

/** `3 min 05 s ago`; `-` for none. */
export function formatAgo(at: Date | string | null | undefined, now: number): string {
  if (at === null || at === undefined) return '-';
  const time = typeof at === 'string' ? Date.parse(at) : at.getTime();
  return Number.isNaN(time) ? '-' : `${formatDuration(Math.max(0, now - time))} ago`;
}

/** `in 12 min 03 s` until a future time; `now` for a past one. */
export function formatUntil(at: Date, now: number): string {
  const ms = at.getTime() - now;
  return ms <= 0 ? 'now' : `in ${formatDuration(ms)}`;
}

/** How long something took, or has been taking against `now`; `-` before it started. */
export function spanMs(started: Date | null, finished: Date | null, now: number): number | null {
  if (started === null) return null;
  return Math.max(0, (finished?.getTime() ?? now) - started.getTime());
}

export function formatSpan(ms: number | null): string {
  return ms === null ? '-' : formatDuration(ms);
}

/** A status as a coloured badge. */
export function statusBadge(status: string): Html {
  return html`<span class="badge ${status.replace(/[^a-z_]/g, '')}">${status.replace('_', ' ')}</span>`;
}

/** A number with thousands separators. */
export function formatCount(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '-';
  const number = Number(value);
  return Number.isFinite(number) ? number.toLocaleString('en-US') : String(value);
}

/** A stored error record `{ code, message, retryable }`, or null when the value is none. */
export function readErrorRecord(value: unknown): { readonly code: string; readonly message: string; readonly retryable: boolean } | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as { code?: unknown; message?: unknown; retryable?: unknown };
  if (typeof record.code !== 'string' || typeof record.message !== 'string') return null;
  return { code: record.code, message: record.message, retryable: record.retryable === true };
}

/** `source.dataset`, or `gold.model`. */
export function targetName(run: { readonly source: string; readonly dataset: string }): string {
  return `${run.source}.${run.dataset}`;
}

/** Path segments for console links, each percent-encoded. */
export function consolePath(base: string, ...segments: readonly string[]): string {
  return `${base}/${segments.map((segment) => encodeURIComponent(segment)).join('/')}`;
}

/** One fact of a page's facts grid: a small label above its value. */
export function renderFact(label: string, value: Html | string): Html {
  return html`<div class="fact"><div class="label">${label}</div><div class="value">${value}</div></div>`;
}
