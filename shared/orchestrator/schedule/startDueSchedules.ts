import { parseSchedule } from '#platform/cron/parseSchedule.ts';
import { isPlatformError } from '#platform/errors.ts';
import type { Catalog } from '#metadata/catalog/loadCatalog.ts';
import { claimScheduleSlot } from './claimScheduleSlot.ts';
import { newRunId } from '#pipeline/runStore/newRunId.ts';
import { openRun, type OpenedRun } from '../runs/openRun.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import { previousScheduleSlot } from './previousScheduleSlot.ts';
import { resetScheduleSlot, type ScheduleSlot } from './resetScheduleSlot.ts';

/**
 * Starts the datasets whose own metadata schedule (`trigger.schedule`) has a slot due since the last one
 * started. A dataset seen for the first time (or whose schedule changed) starts counting from the current
 * slot, as cron would. However many slots were missed while nothing ticked, one run catches up. Returns
 * what the slots started; the caller sends the first steps.
 */
export async function startDueSchedules(context: OrchestratorContext, catalog: Catalog): Promise<OpenedRun[]> {
  const nowMs = context.now();
  const now = new Date(nowMs);
  const opened: OpenedRun[] = [];
  for (const source of catalog.metadata.sources) {
    for (const dataset of source.datasets) {
      const schedule = dataset.trigger?.schedule;
      if (schedule === undefined) continue;
      let slot: ScheduleSlot;
      try {
        slot = { source: source.source, dataset: dataset.name, schedule, slot: previousScheduleSlot(parseSchedule(schedule), nowMs) };
      } catch (error) {
        // Metadata validation refuses bad schedules; a catalog written by hand must not stop the other datasets.
        context.log.error('schedule.invalid', { source: source.source, dataset: dataset.name, schedule, code: isPlatformError(error) ? error.code : 'internal' });
        continue;
      }
      const result = await context.pool.transaction(async (tx) => {
        await resetScheduleSlot(tx, slot, now);
        const runId = newRunId(nowMs);
        if (!(await claimScheduleSlot(tx, slot, runId, now))) return null;
        return openRun(tx, {
          runId,
          target: { kind: 'dataset', source, dataset, load: dataset.load },
          trigger: 'schedule',
          triggerDetail: { schedule, slot: slot.slot.toISOString() },
          metadataVersion: catalog.versionId,
          now,
        });
      });
      if (result !== null) {
        context.log.info(result.outcome === 'started' ? 'run.started' : 'run.skipped', { run_id: result.run_id, source: source.source, dataset: dataset.name, trigger: 'schedule', slot: slot.slot.toISOString() });
        opened.push(result);
      }
    }
  }
  return opened;
}
