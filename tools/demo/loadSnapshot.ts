import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { STEP_NAMES, type StepName } from '#pipeline/pipeline.ts';
import type { CommandIo } from '#tools/cli/command.ts';
import type { OrchestratorClient } from '#tools/cli/createOrchestratorClient.ts';
import { displayPath } from '#tools/cli/displayPath.ts';
import { runDuration, runTarget } from '#tools/cli/describeRun.ts';
import { describeStepCounts } from '#tools/cli/describeStep.ts';
import { formatDuration } from '#platform/formatDuration.ts';
import type { RunDetail } from '#tools/cli/orchestratorReplies.ts';
import { runsToFollow } from '#tools/cli/runsToFollow.ts';
import { waitForRuns } from '#tools/cli/waitForRuns.ts';
import { objectLocation, type ObjectStore } from '#platform/raw/objectStore.ts';
import type { Source } from '#metadata/schema.ts';
import { copySnapshot } from './copySnapshot.ts';
import { waitForModelRuns } from './waitForModelRuns.ts';

/** The layers the demo times: the pipeline's steps. */
export const DEMO_LAYERS = STEP_NAMES;
export type DemoLayer = StepName;

export type SnapshotOutcome = {
  readonly snapshot: string;
  readonly files: readonly string[];
  readonly datasetRuns: readonly RunDetail[];
  readonly goldRuns: readonly RunDetail[];
  /** Whether silver changed (when it did not, no gold run follows). */
  readonly changed: boolean;
  /** Milliseconds spent in each layer's steps, summed over the runs (the local gateway runs one step at a time). */
  readonly layerMs: Readonly<Record<DemoLayer, number>>;
  /** Milliseconds from dropping the files to the last gold run finishing. */
  readonly wallMs: number;
  readonly failed: readonly RunDetail[];
};

export type LoadSnapshotOptions = {
  readonly client: Pick<OrchestratorClient, 'startRuns' | 'getRun' | 'listRuns'>;
  readonly io: CommandIo;
  readonly snapshotDir: string;
  /** The inbox store and the source whose exports go into it. */
  readonly inbox: { readonly store: ObjectStore; readonly source: Source };
  /** Gold models the source's change must rebuild. */
  readonly models: readonly string[];
  readonly pollMs?: number;
};

const CHANGE_COUNTS = ['inserted', 'updated', 'closed', 'deleted'] as const;

/** What a finished run did, in one line: its status and time, then what its last step changed (or its error). */
export function describeRunOutcome(detail: RunDetail, now: number): string {
  const { run } = detail;
  const head = `  ${runTarget(run).padEnd(22)} ${run.status.padEnd(9)} ${runDuration(run, now).padStart(7)}`;
  if (run.status === 'failed') return `${head}  ${run.error ? `${run.error.code}: ${run.error.message}` : 'failed'}`;
  const last = [...detail.steps].reverse().find((step) => step.status === 'succeeded');
  if (last === undefined) return head;
  if (last.step === 'gold') return `${head}  gold: ${last.counts?.inserted ?? 0} rows built`;
  if (last.step === 'extract' && last.detail?.unchanged === true) return `${head}  extract: nothing new`;
  return `${head}  ${last.step}: ${describeStepCounts(last) || 'nothing changed'}`;
}

/**
 * One round of the demo: drops a snapshot's export files into the source's inbox, asks the
 * orchestrator to run the source, prints a line per run as it finishes (the dataset runs, then the
 * gold runs their changes start), and measures the time per layer.
 */
export async function loadSnapshot(options: LoadSnapshotOptions): Promise<SnapshotOutcome> {
  const { client, io } = options;
  const snapshot = path.basename(options.snapshotDir);
  const started = Date.now();
  const { store, source } = options.inbox;
  const files = await copySnapshot(options.snapshotDir, store, source);
  const where = objectLocation(store, `${source.source}/`);
  io.out(`${snapshot}: dropped ${files.join(', ')} into ${where.startsWith('file:') ? displayPath(fileURLToPath(where)) : where}`);
  const followed = runsToFollow(await client.startRuns({ source: source.source }));
  // a skipped trigger gave way to a run of the same model that is printed anyway
  const onFinished = (detail: RunDetail): void => {
    if (detail.run.status !== 'skipped') io.out(describeRunOutcome(detail, Date.now()));
  };
  const datasetRuns = await waitForRuns({ client, runIds: followed, onFinished, pollMs: options.pollMs });
  const changed = datasetRuns.some((detail) => detail.steps.some((step) => step.step === 'silver' && CHANGE_COUNTS.some((name) => (step.counts?.[name] ?? 0) > 0)));
  const since = datasetRuns.map((detail) => detail.run.created_at ?? '').sort()[0] ?? new Date(started).toISOString();
  const goldRuns = changed && datasetRuns.every((detail) => detail.run.status === 'succeeded') ? await waitForModelRuns({ client, since, expected: options.models, onFinished, pollMs: options.pollMs }) : [];
  const layerMs = Object.fromEntries(DEMO_LAYERS.map((layer) => [layer, 0])) as Record<DemoLayer, number>;
  for (const detail of [...datasetRuns, ...goldRuns]) {
    for (const step of detail.steps) {
      if ((DEMO_LAYERS as readonly string[]).includes(step.step) && step.status === 'succeeded') layerMs[step.step as DemoLayer] += step.duration_ms ?? 0;
    }
  }
  const wallMs = Date.now() - started;
  const failed = [...datasetRuns, ...goldRuns].filter((detail) => detail.run.status === 'failed');
  const perLayer = DEMO_LAYERS.map((layer) => `${layer} ${formatDuration(layerMs[layer])}`).join(', ');
  io.out(changed ? `  ${snapshot} took ${formatDuration(wallMs)} from the drop to the last model; in steps: ${perLayer}` : `  ${snapshot}: nothing new (already loaded), ${formatDuration(wallMs)}`);
  return { snapshot, files, datasetRuns, goldRuns, changed, layerMs, wallMs, failed };
}
