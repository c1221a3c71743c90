import { formatTable } from '#tools/cli/formatTable.ts';
import type { DemoSummary, KeyHistory } from './readDemoSummary.ts';

export type DemoQueryHints = {
  /** Postgres URL to show in the psql command (password already masked). */
  readonly databaseUrl: string;
};

const shortTime = (value: string | null): string => (value === null ? '∞' : value.replace('T', ' ').replace(/(\.\d+)?(\+00:00|Z)$/, 'Z'));
const showValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** At most this many keys are shown with their history; the console shows every one. */
const HISTORY_LINES = 6;

/** One version in a few words: its differing values, then how it ended (closed at, current, tombstone). */
function describeVersion(version: KeyHistory['versions'][number]): string {
  const values = Object.entries(version.values).map(([name, value]) => `${name}=${showValue(value)}`).join(' ');
  const state = version.deleted ? 'deleted (tombstone)' : version.current ? 'current' : `closed ${shortTime(version.validTo).slice(11)}`;
  return values === '' ? state : `${values} (${state})`;
}

/** The demo's closing report as lines: tables and row counts, the history silver kept (a line per key), and how to query it. */
export function printDemoSummary(summary: DemoSummary, hints: DemoQueryHints): string[] {
  const lines: string[] = ['', '=== What landed ==='];
  const tableRows: string[][] = [];
  for (const dataset of summary.datasets) {
    tableRows.push(['bronze', `${summary.source}__${dataset.dataset} (collection)`, `${dataset.bronze} documents (every record received)`]);
    tableRows.push(['silver', dataset.table, `${dataset.current} current, ${dataset.deleted} deleted, ${dataset.versions} versions in all`]);
  }
  for (const model of summary.models) {
    tableRows.push(['gold', model.table, model.rows === null ? 'not built' : `${model.rows} rows`]);
  }
  lines.push(...formatTable(['LAYER', 'TABLE', 'ROWS'], tableRows).map((line) => `  ${line}`));

  lines.push('', '=== History kept by silver (SCD): keys with more than one version, oldest first ===');
  const histories = summary.datasets.flatMap((dataset) => dataset.histories.map((history) => ({ dataset, history })));
  const shown = histories.slice(0, HISTORY_LINES);
  const historyRows = shown.map(({ dataset, history }) => [dataset.table, history.key, history.versions.map(describeVersion).join(' → ')]);
  lines.push(...formatTable(['TABLE', 'KEY', 'VERSIONS'], historyRows).slice(1).map((line) => `  ${line}`.trimEnd()));
  if (histories.length === 0) lines.push('  one version per key so far');
  if (histories.length > shown.length) lines.push(`  … and ${histories.length - shown.length} more keys: see the console`);
  const scd1 = summary.datasets.filter((dataset) => dataset.scd1.length > 0).map((dataset) => `${dataset.table.replace(/^silver\./, '')}.${dataset.scd1.join(', ')}`);
  if (scd1.length > 0) lines.push(`  scd 1, overwritten in place without a new version: ${scd1.join('; ')}`);

  lines.push('', `=== Query it: psql "${hints.databaseUrl}" ===`);
  const example = [...summary.datasets].reverse().find((entry) => entry.histories.length > 0 && entry.key.length === 1);
  if (example !== undefined) {
    const differing = [...new Set(example.histories.flatMap((history) => history.versions.flatMap((version) => Object.keys(version.values))))];
    const keys = example.histories.slice(-2).map((history) => `'${history.key.replaceAll("'", "''")}'`).join(', ');
    const column = example.key[0]!;
    lines.push(`  SELECT ${[column, ...differing, '_valid_from', '_valid_to', '_is_current', '_is_deleted'].join(', ')} FROM ${example.table} WHERE ${column} IN (${keys}) ORDER BY ${column}, _valid_from;`);
  }
  return lines;
}
