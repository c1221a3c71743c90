import { STEP_NAMES, type StepName } from '#pipeline/pipeline.ts';
import type { RunRow } from '#pipeline/runStore/runRow.ts';
import type { StepRow } from '#pipeline/runStore/stepRow.ts';
import { sumStepCounts } from '#pipeline/runStore/sumStepCounts.ts';
import type { StepCounts } from '#pipeline/steps.ts';

/** One run as `GET /runs` and `dp runs` show it. */
export type RunView = ReturnType<typeof toRunView>;

/**
 * A run with the chunk an active run is at (its latest in pipeline order) and the row counts per step of its
 * succeeded chunks (`counts.silver.inserted`…). `steps` are the run's chunks in pipeline order.
 */
export function toRunView(run: RunRow, steps: readonly StepRow[]) {
  const active = run.status === 'pending' || run.status === 'running';
  const current = active ? steps.at(-1) : undefined;
  const counts: Partial<Record<StepName, StepCounts & { chunks: number }>> = {};
  for (const name of STEP_NAMES) {
    const chunks = steps.filter((step) => step.step === name && step.status === 'succeeded').length;
    if (chunks > 0) counts[name] = { chunks, ...sumStepCounts(steps, name) };
  }
  return {
    run_id: run.run_id,
    kind: run.kind,
    source: run.source,
    dataset: run.dataset,
    load: run.load,
    trigger: run.trigger_kind,
    trigger_detail: run.trigger_detail,
    metadata_version: run.metadata_version,
    status: run.status,
    skipped_for: run.skipped_for,
    created_at: run.created_at,
    started_at: run.started_at,
    finished_at: run.finished_at,
    duration_ms: run.started_at === null || run.finished_at === null ? null : run.finished_at.getTime() - run.started_at.getTime(),
    error: run.error,
    current_step: current === undefined ? null : { step: current.step, chunk: current.chunk, attempt: current.attempt, status: current.status, next_attempt_at: current.next_attempt_at },
    counts,
  };
}
