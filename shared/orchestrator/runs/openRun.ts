import type { DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { TransientError } from '#platform/errors.ts';
import type { JsonRecord } from '#pipeline/jsonRecord.ts';
import { firstStepOf, type RunKind } from '#pipeline/pipeline.ts';
import { findActiveRun } from '#pipeline/runStore/findActiveRun.ts';
import { hasRunStarted } from '#pipeline/runStore/hasRunStarted.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { insertDispatchedStep } from '#pipeline/runStore/insertDispatchedStep.ts';
import { insertSkippedRun } from '#pipeline/runStore/insertSkippedRun.ts';
import type { NewRun } from '#pipeline/runStore/newRun.ts';
import { newRunId } from '#pipeline/runStore/newRunId.ts';
import type { RunTarget, RunTrigger } from './runTarget.ts';

/** What a trigger became: a started run, or a skip recorded against the run already active. */
export type OpenedRun =
  | { readonly outcome: 'started'; readonly run_id: string; readonly kind: RunKind; readonly source: string; readonly dataset: string; readonly load: 'full' | 'delta' | null }
  | { readonly outcome: 'skipped'; readonly run_id: string; readonly kind: RunKind; readonly source: string; readonly dataset: string; readonly skipped_for: string };

export type OpenRunOptions = {
  readonly target: RunTarget;
  readonly trigger: RunTrigger;
  readonly triggerDetail: JsonRecord;
  readonly metadataVersion: number;
  readonly now: Date;
  /** Run id to use; default a new one. */
  readonly runId?: string;
};

/**
 * Records a trigger in the caller's transaction: a `running` run with its first step written as `dispatched`
 * (pipeline.ts: extract on the source's connector function, or gold), or — when the dataset already has an
 * active run — a `skipped` run that points at it. A skipped gold trigger notes whether the active rebuild had
 * already started (`active_run_started`), which decides whether it must run once more. Nothing is sent here;
 * the caller sends after committing.
 */
export async function openRun(tx: DatabaseTransactionConnection, options: OpenRunOptions): Promise<OpenedRun> {
  const { target } = options;
  const run: NewRun = {
    runId: options.runId ?? newRunId(options.now.getTime()),
    kind: target.kind,
    source: target.kind === 'dataset' ? target.source.source : 'gold',
    dataset: target.kind === 'dataset' ? target.dataset.name : target.model,
    load: target.kind === 'dataset' ? target.load : null,
    trigger: options.trigger,
    triggerDetail: options.triggerDetail,
    metadataVersion: options.metadataVersion,
  };
  // A run that just ended between the insert and the look-up frees the dataset: try once more.
  for (let round = 0; round < 2; round += 1) {
    if (await insertActiveRun(tx, run, options.now)) {
      const first = firstStepOf(target.kind === 'dataset' ? { kind: 'dataset', connector: target.source.connector } : { kind: 'gold' });
      await insertDispatchedStep(tx, { runId: run.runId, step: first.step, chunk: 0, functionName: first.functionName, notBefore: null }, options.now);
      return { outcome: 'started', run_id: run.runId, kind: run.kind, source: run.source, dataset: run.dataset, load: run.load };
    }
    const active = await findActiveRun(tx, run.kind, run.source, run.dataset);
    if (active !== null) {
      // A gold rebuild still waiting in the queue will read the new data anyway; one already running may not have.
      const skipped = target.kind === 'gold' ? { ...run, triggerDetail: { ...run.triggerDetail, active_run_started: await hasRunStarted(tx, active) } } : run;
      await insertSkippedRun(tx, skipped, active, options.now);
      return { outcome: 'skipped', run_id: run.runId, kind: run.kind, source: run.source, dataset: run.dataset, skipped_for: active };
    }
  }
  throw new TransientError('run.busy', `Could not start a run of ${run.source}.${run.dataset}: its active run changed twice while starting; try again.`);
}
