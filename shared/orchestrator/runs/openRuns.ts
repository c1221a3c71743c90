import type { JsonRecord } from '#pipeline/jsonRecord.ts';
import type { Catalog } from '#metadata/catalog/loadCatalog.ts';
import { openRun, type OpenedRun } from './openRun.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import type { RunTarget, RunTrigger } from './runTarget.ts';
import { sendUnsentSteps } from '../dispatch/sendUnsentSteps.ts';

export type OpenRunsReply = {
  readonly runs: ReadonlyArray<Extract<OpenedRun, { outcome: 'started' }>>;
  readonly skipped: ReadonlyArray<Extract<OpenedRun, { outcome: 'skipped' }>>;
};

/**
 * Starts a run per target in one transaction (a busy dataset gets a skipped run instead), then sends their
 * first steps. The runs record the catalog version they were started from.
 */
export async function openRuns(context: OrchestratorContext, catalog: Pick<Catalog, 'versionId'>, targets: readonly RunTarget[], trigger: RunTrigger, triggerDetail: JsonRecord): Promise<OpenRunsReply> {
  const opened = await context.pool.transaction(async (tx) => {
    const now = new Date(context.now());
    const result: OpenedRun[] = [];
    for (const target of targets) {
      result.push(await openRun(tx, { target, trigger, triggerDetail, metadataVersion: catalog.versionId, now }));
    }
    return result;
  });
  const runs = opened.filter((entry): entry is Extract<OpenedRun, { outcome: 'started' }> => entry.outcome === 'started');
  const skipped = opened.filter((entry): entry is Extract<OpenedRun, { outcome: 'skipped' }> => entry.outcome === 'skipped');
  for (const entry of opened) {
    context.log.info(entry.outcome === 'started' ? 'run.started' : 'run.skipped', { run_id: entry.run_id, source: entry.source, dataset: entry.dataset, trigger, ...(entry.outcome === 'skipped' ? { skipped_for: entry.skipped_for } : {}) });
  }
  if (runs.length > 0) {
    await sendUnsentSteps(context, { runIds: runs.map((entry) => entry.run_id) });
  }
  return { runs, skipped };
}
