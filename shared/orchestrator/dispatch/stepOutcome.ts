import type { StepCounts } from '#pipeline/steps.ts';
import type { StepError } from './classifyFailure.ts';

/** What an attempt of a step chunk came to, from its callback or from the row the step wrote. */
export type StepOutcome =
  | {
      readonly kind: 'success';
      readonly attempt: number;
      readonly status: 'done' | 'continue';
      readonly checkpoint: unknown;
      readonly counts: StepCounts;
      readonly detail: Readonly<Record<string, unknown>>;
      readonly durationMs: number | undefined;
      /** Write the result to the row (a callback); false when the row already holds it (read by the tick). */
      readonly record: boolean;
    }
  | { readonly kind: 'failure'; readonly attempt: number; readonly error: StepError };

/** What the orchestrator did with an outcome; the reply of a callback says it. */
export type OutcomeAction = 'continued' | 'advanced' | 'run_succeeded' | 'retry_scheduled' | 'run_failed';
