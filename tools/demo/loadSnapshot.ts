import path from 'node:path';

import { STEP_NAMES, type StepName } from '#pipeline/pipeline.ts';
import type { CommandIo } from '#tools/cli/command.ts';
import type { OrchestratorClient } from '#tools/cli/createOrchestratorClient.ts';
import { runTarget } from '#tools/cli/describeRun.ts';
import { describeStep } from '#tools/cli/describeStep.ts';
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

/**
 * One round of the demo: drops a snapshot's export files into the source's inbox, asks the
 * orchestrator to run the source, follows its runs step by step and then the gold runs its
 * changes start, and measures the time per layer.
 */
export async function loadSnapshot(options: LoadSnapshotOptions): Promise<SnapshotOutcome> {
  const { client, io } = options;
  const snapshot = path.basename(options.snapshotDir);
  const started = Date.now();
  const { store, source } = options.inbox;
  const files = await copySnapshot(options.snapshotDir, store, source);
  io.out(`${snapshot}: dropped ${files.join(', ')} into ${objectLocation(store, `${source.source}/`)}`);
  const followed = runsToFollow(await client.startRuns({ source: source.source }));
  const onStep = (detail: RunDetail, step: Parameters<typeof describeStep>[0]): void => {
    if (step.status === 'succeeded' || step.status === 'failed') io.out(`  ${runTarget(detail.run).padEnd(24)} ${describeStep(step)}`);
  };
  const datasetRuns = await waitForRuns({ client, runIds: followed, onStep, pollMs: options.pollMs });
  const changed = datasetRuns.some((detail) => detail.steps.some((step) => step.step === 'silver' && CHANGE_COUNTS.some((name) => (step.counts?.[name] ?? 0) > 0)));
  const since = datasetRuns.map((detail) => detail.run.created_at ?? '').sort()[0] ?? new Date(started).toISOString();
  const goldRuns = changed && datasetRuns.every((detail) => detail.run.status === 'succeeded') ? await waitForModelRuns({ client, since, expected: options.models, onStep, pollMs: options.pollMs }) : [];
  const layerMs = Object.fromEntries(DEMO_LAYERS.map((layer) => [layer, 0])) as Record<DemoLayer, number>;
  for (const detail of [...datasetRuns, ...goldRuns]) {
    for (const step of detail.steps) {
      if ((DEMO_LAYERS as readonly string[]).includes(step.step) && step.status === 'succeeded') layerMs[step.step as DemoLayer] += step.duration_ms ?? 0;
    }
  }
  const failed = [...datasetRuns, ...goldRuns].filter((detail) => detail.run.status === 'failed');
  return { snapshot, files, datasetRuns, goldRuns, changed, layerMs, wallMs: Date.now() - started, failed };
}
