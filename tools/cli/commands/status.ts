import { formatBytes } from '#lifecycle/archive/formatBytes.ts';
import { checkFlags } from '../checkFlags.ts';
import { parseArgs, type Command } from '../command.ts';
import { createOrchestratorClient } from '../createOrchestratorClient.ts';
import { formatAge } from '#platform/formatDuration.ts';
import { formatTable } from '../formatTable.ts';
import type { DatasetStatus } from '../orchestratorReplies.ts';
import { printUsage } from '../printUsage.ts';
import { readGatewayUrl } from '../readGatewayUrl.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp status [--json] [--gateway=<url>]',
  '',
  '  Every dataset and gold model: its last run, how fresh its data is (time since silver last',
  '  committed, or since the model was last built), its rows (current / every version kept) and, for a',
  '  dataset, what it keeps in the raw store: bytes stored plain and gzipped by retention (as its last bronze',
  '  step measured them).',
];

function lastRun(entry: Pick<DatasetStatus, 'status' | 'last_run'>, now: number): string {
  if (entry.status === 'running') return 'running now';
  const run = entry.last_run;
  if (run === null || run === undefined) return 'never run';
  return `${run.status} ${formatAge(run.finished_at ?? run.created_at, now)}`;
}

/** `12 runs, 3.4 MB: 2.3 MB plain, 1.1 MB gzipped`: what the dataset keeps in the raw store, split by how it is stored. */
function rawSize(raw: DatasetStatus['raw']): string {
  if (raw === null || raw === undefined) return '-';
  const runs = `${raw.runs} run${raw.runs === 1 ? '' : 's'}, ${formatBytes(raw.bytes)}`;
  if (raw.compressed_files === 0) return `${runs} plain`;
  return `${runs}: ${formatBytes(raw.bytes - raw.compressed_bytes)} plain, ${formatBytes(raw.compressed_bytes)} gzipped`;
}

const rowCount = (value: number | null | undefined): string => (value === null || value === undefined ? '-' : value.toLocaleString('en-US'));

export const statusCommand: Command = {
  summary: 'show datasets and gold models: last run, freshness, row counts',
  usage: USAGE,
  run: withUsage('status', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('status', flags, ['json', 'gateway']);
    if (positional.length > 0) {
      io.err(`dp status: unexpected argument \`${positional[0]}\``);
      printUsage(io, USAGE);
      return 2;
    }
    const status = await createOrchestratorClient({ gatewayUrl: readGatewayUrl(flags) }).status();
    if (flags.has('json')) {
      io.out(JSON.stringify(status, null, 2));
      return 0;
    }
    const now = Date.now();
    if (status.datasets.length === 0) {
      io.out('no datasets: add metadata under metadata/ and run `dp metadata sync` (or `dp up`)');
    } else {
      const rows = status.datasets.map((entry) => [
        `${entry.source}.${entry.dataset}`,
        entry.load ?? '-',
        lastRun(entry, now),
        formatAge(entry.last_success_at, now),
        entry.silver === null || entry.silver === undefined ? '-' : `${rowCount(entry.silver.current_rows)} / ${rowCount(entry.silver.total_rows)}`,
        rawSize(entry.raw),
      ]);
      for (const line of formatTable(['DATASET', 'LOAD', 'LAST RUN', 'FRESH AS OF', 'ROWS (CURRENT / ALL VERSIONS)', 'RAW FILES'], rows)) io.out(line);
    }
    if (status.models.length > 0) {
      io.out('');
      const rows = status.models.map((entry) => [`gold.${entry.model}`, lastRun(entry, now), formatAge(entry.last_success_at, now), rowCount(entry.gold?.rows)]);
      for (const line of formatTable(['MODEL', 'LAST RUN', 'BUILT', 'ROWS'], rows)) io.out(line);
    }
    return 0;
  }),
};
