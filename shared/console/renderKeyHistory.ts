import { formatTime } from './consoleFormat.ts';
import { html, type Html } from './html.ts';
import type { KeyVersion } from './queries/selectKeyHistory.ts';

const show = (value: unknown): string => (value === null || value === undefined ? '∅' : typeof value === 'string' ? value : JSON.stringify(value));

/** Every version of one key, oldest first: validity, state and the values, a value that changed from the version before in bold. */
export function renderKeyHistory(versions: readonly KeyVersion[], columns: readonly string[]): Html {
  return html`<div class="scroll"><table class="history"><thead><tr><th>Valid from (UTC)</th><th>Valid to</th><th>State</th>${columns.map((column) => html`<th>${column}</th>`)}<th class="hide-narrow">Written by run</th></tr></thead><tbody>
${versions.map((version, index) => {
  const before = index === 0 ? undefined : versions[index - 1];
  const state = version.is_deleted ? 'deleted (tombstone)' : version.is_current ? 'current' : 'closed';
  return html`<tr><td class="small nowrap">${formatTime(version.valid_from)}</td><td class="small nowrap">${version.valid_to === null ? '∞' : formatTime(version.valid_to)}</td><td>${state}</td>
${columns.map((column) => {
  const changed = before !== undefined && show(before.values[column]) !== show(version.values[column]);
  return html`<td class="mono">${changed ? html`<b>${show(version.values[column])}</b>` : show(version.values[column])}</td>`;
})}<td class="mono small hide-narrow">${version.run_id}</td></tr>`;
})}
</tbody></table></div>`;
}
