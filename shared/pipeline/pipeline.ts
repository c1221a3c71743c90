/**
 * The pipeline's shape, defined once: the steps a run goes through, in which order, and which OpenFaaS
 * function runs each step. The step contract, the orchestrator's state machine, the run views, the CLI
 * and the demo read it from here.
 *
 *   dataset run:  extract (the function of the source's connector kind: files, rest, ynab)
 *                   → bronze → silver
 *   gold run:     gold (one model, started by the data-aware event of what it reads)
 */

/** Every step, in pipeline order (`platform.run_steps.step`). */
export const STEP_NAMES = ['extract', 'bronze', 'silver', 'gold'] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** What a run is for: one dataset through the layers, or one gold model (`platform.runs.kind`). */
export const RUN_KINDS = ['dataset', 'gold'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** The steps of a run of each kind, in order. */
export const RUN_STEPS: Readonly<Record<RunKind, readonly StepName[]>> = Object.freeze({
  dataset: ['extract', 'bronze', 'silver'],
  gold: ['gold'],
});

/** A step and the OpenFaaS function that runs it. */
export type StepDispatch = { readonly step: StepName; readonly functionName: string };

/**
 * The function that runs `step`: extract runs on the function named after the source's connector kind
 * (`files`, `rest`, `ynab`); every other step on the function named after the step.
 */
function functionOfStep(step: StepName, connector: string | null): string {
  if (step !== 'extract') return step;
  if (connector === null) throw new Error('functionOfStep: the extract step needs the source\'s connector kind');
  return connector;
}

/** The first step of a run: extract on the source's connector function for a dataset run, gold for a model run. */
export function firstStepOf(target: { readonly kind: 'dataset'; readonly connector: string } | { readonly kind: 'gold' }): StepDispatch {
  const step = RUN_STEPS[target.kind][0]!;
  return { step, functionName: functionOfStep(step, target.kind === 'dataset' ? target.connector : null) };
}

/**
 * The step after `step` in a run of this kind, or null when the run is complete: after its last step, or
 * when the step found nothing new (`unchanged`) — an empty snapshot must not reach silver, where a full load
 * would delete every row.
 */
export function nextStepOf(kind: RunKind, step: StepName, outcome: { readonly unchanged: boolean }): StepDispatch | null {
  if (outcome.unchanged) return null;
  const steps = RUN_STEPS[kind];
  const next = steps[steps.indexOf(step) + 1];
  // Only the first step (extract) runs on a connector's function, so every later step runs on its own.
  return next === undefined || steps.indexOf(step) < 0 ? null : { step: next, functionName: functionOfStep(next, null) };
}

/** Sorts steps into pipeline order (then chunk), the order every run view shows. */
export function comparePipelineOrder(a: { readonly step: StepName; readonly chunk: number }, b: { readonly step: StepName; readonly chunk: number }): number {
  return STEP_NAMES.indexOf(a.step) - STEP_NAMES.indexOf(b.step) || a.chunk - b.chunk;
}
