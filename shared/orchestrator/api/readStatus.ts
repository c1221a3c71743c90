import { getCurrentMetadataVersion } from '#metadata/catalog/getCurrentMetadataVersion.ts';
import { silverTableName } from '#metadata/silverTableName.ts';
import type { OrchestratorReply } from './orchestratorApi.ts';
import { countGoldRows } from './countGoldRows.ts';
import { countSilverRows } from './countSilverRows.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import { selectDatasetStatus } from './selectDatasetStatus.ts';
import { selectModelStatus } from './selectModelStatus.ts';

const secondsSince = (at: Date | null, now: number): number | null => (at === null ? null : Math.max(0, Math.round((now - at.getTime()) / 1000)));

/**
 * `GET /status`: every active dataset and gold model with its last run (status, trigger, times, error), the
 * last success and how long ago it was (`freshness_seconds`), the active run, and the rows in silver
 * (current and all versions) or gold. What `dp status` prints.
 */
export async function readStatus(context: OrchestratorContext): Promise<OrchestratorReply> {
  const now = context.now();
  const version = await getCurrentMetadataVersion(context.pool);
  const datasets = [];
  for (const row of await selectDatasetStatus(context.pool)) {
    const table = silverTableName(row.source, row.dataset);
    const rows = await countSilverRows(context.pool, table);
    datasets.push({
      ...row,
      status: row.active_run_id !== null ? 'running' : (row.last_run?.status ?? 'never_run'),
      freshness_seconds: secondsSince(row.last_success_at, now),
      silver: rows === null ? null : { table: `silver.${table}`, current_rows: rows.current, total_rows: rows.total },
    });
  }
  const models = [];
  for (const row of await selectModelStatus(context.pool)) {
    const rows = await countGoldRows(context.pool, row.model);
    models.push({
      ...row,
      status: row.active_run_id !== null ? 'running' : (row.last_run?.status ?? 'never_run'),
      freshness_seconds: secondsSince(row.last_success_at, now),
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
