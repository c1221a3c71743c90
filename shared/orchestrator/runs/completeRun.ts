import type { DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { getCurrentMetadataVersion } from '#metadata/catalog/getCurrentMetadataVersion.ts';
import { listDependentModels } from '#metadata/catalog/listDependentModels.ts';
import { listRunSteps } from '#pipeline/runStore/listRunSteps.ts';
import { listSkippedRuns } from '#pipeline/runStore/listSkippedRuns.ts';
import type { RunRow } from '#pipeline/runStore/runRow.ts';
import { sumStepCounts } from '#pipeline/runStore/sumStepCounts.ts';
import { succeedRun } from '#pipeline/succeedRun.ts';
import { insertEvent } from '../triggers/insertEvent.ts';
import { openRun, type OpenedRun } from './openRun.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';

/**
 * Ends a run as succeeded, in one transaction with everything that follows from it:
 * - a dataset run's staged cursor becomes the dataset's cursor and the files it imported are marked committed
 *   (succeedRun: the one place a cursor moves);
 * - its data-aware event: a dataset run whose silver merge changed rows (inserted, updated, closed or deleted)
 *   records `silver_changed`; a gold run records `gold_changed` (a model is rebuilt whole, so its success counts
 *   as a change). Each event starts gold runs for the models that read the changed dataset or model *directly*;
 *   models further down start from those models' own events, so every model is rebuilt after the models it
 *   reads. A gold run that event triggers found busy *and already rebuilding* gets one follow-up run, since that
 *   rebuild may have missed their changes (a rebuild still waiting in the queue reads them anyway).
 * Returns the ids of the runs started.
 */
export async function completeRun(tx: DatabaseTransactionConnection, context: Pick<OrchestratorContext, 'log'>, run: RunRow, now: Date): Promise<string[]> {
  const log = context.log.child({ run_id: run.run_id });
  const committed = await succeedRun(tx, run, now);
  const counts = sumStepCounts(await listRunSteps(tx, [run.run_id]), run.kind === 'gold' ? 'gold' : 'silver');
  const changed = counts.inserted + counts.updated + counts.closed + counts.deleted;
  const cursor = committed === null ? {} : { cursor_committed: committed.cursorCommitted, files_committed: committed.filesCommitted };
  if (run.kind === 'dataset' && changed === 0) {
    log.info('run.succeeded', { changed: 0, ...cursor });
    return [];
  }

  const kind = run.kind === 'dataset' ? 'silver_changed' : 'gold_changed';
  const upstreamName = run.kind === 'dataset' ? `${run.source}.${run.dataset}` : `gold.${run.dataset}`;
  const dependents = await listDependentModels(tx, run.kind === 'dataset' ? { source: run.source, dataset: run.dataset } : { model: run.dataset });
  const version = (await getCurrentMetadataVersion(tx))?.versionId ?? run.metadata_version ?? 0;
  const opened: OpenedRun[] = [];
  for (const dependent of dependents.filter((model) => model.depth === 1)) {
    opened.push(await openRun(tx, {
      target: { kind: 'gold', model: dependent.model.name },
      trigger: 'event',
      triggerDetail: { event: kind, upstream: upstreamName, upstream_run: run.run_id },
      metadataVersion: version,
      now,
    }));
  }
  if (run.kind === 'gold') {
    // Event triggers skipped while this rebuild was already running: changes it may not have seen.
    const missed = (await listSkippedRuns(tx, run.run_id))
      .filter((skipped) => skipped.trigger_kind === 'event' && skipped.trigger_detail.active_run_started !== false)
      .map((skipped) => skipped.run_id);
    if (missed.length > 0) {
      opened.push(await openRun(tx, {
        target: { kind: 'gold', model: run.dataset },
        trigger: 'event',
        triggerDetail: { event: 'rerun', upstream_run: run.run_id, skipped: missed },
        metadataVersion: version,
        now,
      }));
    }
  }

  const started = opened.filter((entry) => entry.outcome === 'started').map((entry) => entry.run_id);
  const skipped = opened.filter((entry) => entry.outcome === 'skipped').map((entry) => entry.run_id);
  await insertEvent(tx, { kind, source: run.source, dataset: run.dataset, runId: run.run_id, payload: { counts, started, skipped } }, now);
  log.info('run.succeeded', { emitted: kind, changed, started, skipped, ...cursor });
  return started;
}
