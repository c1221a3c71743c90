import { formatDuration } from '#platform/formatDuration.ts';
import { formatTable } from '#tools/cli/formatTable.ts';
import { DEMO_LAYERS, type SnapshotOutcome } from './loadSnapshot.ts';
import type { DemoSummary } from './readDemoSummary.ts';

export type DemoQueryHints = {
  /** Postgres URL to show in the psql command (password already masked). */
  readonly databaseUrl: string;
  readonly gatewayUrl: string;
};

const shortTime = (value: string | null): string => (value === null ? '∞' : value.replace('T', ' ').replace(/(\.\d+)?(\+00:00|Z)$/, 'Z'));
const showValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The demo's closing report as lines: tables and row counts, the history silver kept, time per layer, and how to query it. */
export function printDemoSummary(summary: DemoSummary, snapshots: readonly SnapshotOutcome[], hints: DemoQueryHints): string[] {
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

  lines.push('', '=== History kept by silver (SCD) ===');
  for (const dataset of summary.datasets) {
    if (dataset.histories.length === 0) {
      lines.push(`  ${dataset.table}: one version per key so far`);
    }
    for (const history of dataset.histories) {
      lines.push(`  ${dataset.table} ${history.key}: ${history.versions.length} versions`);
      for (const version of history.versions) {
        const values = Object.entries(version.values).map(([name, value]) => `${name}=${showValue(value)}`).join(' ');
        const state = version.deleted ? 'deleted (tombstone)' : version.current ? 'current' : 'closed';
        lines.push(`    ${shortTime(version.validFrom)} → ${shortTime(version.validTo)}  ${state.padEnd(19)} ${values}`.trimEnd());
      }
    }
    if (dataset.scd1.length > 0) {
      lines.push(`  ${dataset.table}: ${dataset.scd1.join(', ')} ${dataset.scd1.length === 1 ? 'is' : 'are'} scd 1 — a change overwrites every version, no new version`);
    }
  }

  lines.push('', '=== Time per layer (sum of step durations; the local gateway runs one step at a time) ===');
  const timeRows = snapshots.map((outcome) => [outcome.snapshot, ...DEMO_LAYERS.map((layer) => formatDuration(outcome.layerMs[layer])), formatDuration(outcome.wallMs), outcome.changed ? '' : 'nothing new (already loaded)']);
  lines.push(...formatTable(['SNAPSHOT', ...DEMO_LAYERS.map((layer) => layer.toUpperCase()), 'WALL CLOCK', ''], timeRows).map((line) => `  ${line}`));

  lines.push('', '=== Query it ===', `  psql "${hints.databaseUrl}"`);
  for (const dataset of summary.datasets) {
    lines.push(`  SELECT * FROM ${dataset.table} WHERE _is_current AND NOT _is_deleted;   -- ${dataset.dataset} as it is now`);
  }
  for (const dataset of summary.datasets.filter((entry) => entry.histories.length > 0 && entry.key.length === 1)) {
    const differing = [...new Set(dataset.histories.flatMap((history) => history.versions.flatMap((version) => Object.keys(version.values))))];
    const keys = dataset.histories.slice(0, 3).map((history) => `'${history.key.replaceAll("'", "''")}'`).join(', ');
    const column = dataset.key[0]!;
    lines.push(`  SELECT ${[column, ...differing, '_valid_from', '_valid_to', '_is_current', '_is_deleted'].join(', ')} FROM ${dataset.table} WHERE ${column} IN (${keys}) ORDER BY ${column}, _valid_from;   -- their history`);
  }
  for (const model of summary.models) {
    lines.push(`  SELECT * FROM ${model.table};`);
  }
  lines.push(`  The runs: dp runs, dp status, or curl ${hints.gatewayUrl}/function/orchestrator/runs`);
  return lines;
}
