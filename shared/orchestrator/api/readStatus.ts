import { getCurrentMetadataVersion } from '#metadata/catalog/getCurrentMetadataVersion.ts';
import type { RunKind } from '#pipeline/pipeline.ts';
import { listRunStatus, type RunStatusOfTarget } from '#pipeline/runStore/listRunStatus.ts';
import { readRawUsage } from '#bronze/readRawUsage.ts';
import { readSilverSummary } from '#silver/readSilverSummary.ts';
import type { OrchestratorReply } from './orchestratorApi.ts';
import { countGoldRows } from './countGoldRows.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import { selectDatasetStatus } from './selectDatasetStatus.ts';
import { selectModelStatus } from './selectModelStatus.ts';

const secondsSince = (at: Date | null, now: number): number | null => (at === null ? null : Math.max(0, Math.round((now - at.getTime()) / 1000)));

/** The run part of a status entry: the last run (not a skip), the last success, the active run, and what they make the status. */
function runStatusOf(found: RunStatusOfTarget | undefined, now: number) {
  const lastRun = found?.lastRun;
  const activeRunId = found?.activeRunId ?? null;
  const lastSuccessAt = found?.lastSuccessAt ?? null;
  return {
    last_run: lastRun === undefined ? null : { run_id: lastRun.run_id, status: lastRun.status, trigger: lastRun.trigger_kind, created_at: lastRun.created_at, finished_at: lastRun.finished_at, error: lastRun.error },
    last_success_at: lastSuccessAt,
    active_run_id: activeRunId,
    status: activeRunId !== null ? 'running' : (lastRun?.status ?? 'never_run'),
    freshness_seconds: secondsSince(lastSuccessAt, now),
  };
}

/**
 * `GET /status`: every active dataset and gold model with its last run (status, trigger, times, error), the
 * last success and how long ago it was (`freshness_seconds`), the active run, the rows in silver
 * (current and all versions) or gold, and a dataset's raw files (as its last bronze step measured them). What `dp status` prints.
 */
export async function readStatus(context: OrchestratorContext): Promise<OrchestratorReply> {
  const now = context.now();
  const version = await getCurrentMetadataVersion(context.pool);
  const runs = new Map((await listRunStatus(context.pool)).map((entry) => [`${entry.lastRun.kind}/${entry.lastRun.source}/${entry.lastRun.dataset}`, entry]));
  const runsOf = (kind: RunKind, source: string, dataset: string) => runStatusOf(runs.get(`${kind}/${source}/${dataset}`), now);
  const datasets = [];
  const rawUsage = new Map((await readRawUsage(context.pool)).map((usage) => [`${usage.source}.${usage.dataset}`, usage]));
  for (const row of await selectDatasetStatus(context.pool)) {
    const raw = rawUsage.get(`${row.source}.${row.dataset}`);
    const silver = await readSilverSummary(context.pool, row.source, { name: row.dataset, key: [] });
    datasets.push({
      ...row,
      ...runsOf('dataset', row.source, row.dataset),
      silver: silver === null ? null : { table: silver.table, current_rows: silver.current, total_rows: silver.versions },
      raw: raw === undefined ? null : { runs: raw.runs, files: raw.files, bytes: raw.bytes, compressed_files: raw.compressed_files, compressed_bytes: raw.compressed_bytes, measured_at: raw.measured_at },
    });
  }
  const models = [];
  for (const row of await selectModelStatus(context.pool)) {
    const rows = await countGoldRows(context.pool, row.model);
    models.push({
      ...row,
      ...runsOf('gold', 'gold', row.model),
      gold: rows === null ? null : { table: `gold.${row.model}`, rows },
    });
  }
  return {
    status: 200,
    body: {
      generated_at: new Date(now),
      metadata: version === null ? null : { version: version.versionId, hash: version.hash, synced_at: version.syncedAt },
      active_runs: [...datasets, ...models].filter((entry) => entry.active_run_id !== null).length,
      datasets,
      models,
    },
  };
}
