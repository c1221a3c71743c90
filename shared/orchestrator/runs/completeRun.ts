import type { DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { getCurrentMetadataVersion } from '#metadata/catalog/getCurrentMetadataVersion.ts';
import { listDependentModels } from '#metadata/catalog/listDependentModels.ts';
import { finishRun } from './finishRun.ts';
import { insertEvent } from '../triggers/insertEvent.ts';
import { listSkippedEventRuns } from '../triggers/listSkippedEventRuns.ts';
import { openRun, type OpenedRun } from './openRun.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import type { RunRecord } from '../dispatch/runRecords.ts';
import { sumStepCounts } from '../api/sumStepCounts.ts';

/**
 * Ends a run as succeeded and fires its data-aware event, in the same transaction. A dataset run whose silver
 * merge changed rows (inserted, updated, closed or deleted) records `silver_changed`; a gold run records
 * `gold_changed` (a model is rebuilt whole, so its success counts as a change). Each event starts gold runs
 * for the models that read the changed dataset or model *directly*; models further down start from those
 * models' own events, so every model is rebuilt after the models it reads. A gold run that event triggers
 * found busy *and already rebuilding* gets one follow-up run, since that rebuild may have missed their changes
 * (a rebuild still waiting in the queue reads them anyway).
 * Returns the ids of the runs started.
 */
export async function completeRun(tx: DatabaseTransactionConnection, context: OrchestratorContext, run: RunRecord, now: Date): Promise<string[]> {
  const log = context.log.child({ run_id: run.run_id });
  await finishRun(tx, run.run_id, { status: 'succeeded' }, now);
  const counts = await sumStepCounts(tx, run.run_id, run.kind === 'gold' ? 'gold' : 'silver');
  const changed = counts.inserted + counts.updated + counts.closed + counts.deleted;
  if (run.kind === 'dataset' && changed === 0) {
    log.info('run.succeeded', { changed: 0 });
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
    const missed = await listSkippedEventRuns(tx, run.run_id);
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
  log.info('run.succeeded', { emitted: kind, changed, started, skipped });
  return started;
}
