/**
 * The contract between the orchestrator and the step functions (`files`, `rest`, `ynab` extract;
 * `bronze`, `silver`, `gold`).
 *
 * The orchestrator sends a StepRequest (superjson envelope or plain JSON) with
 * `POST /async-function/<function>` and a callback URL; the function answers a StepResult, which
 * the queue-worker posts to the callback. A step:
 * - is idempotent for the same (run id, step, chunk): a repeated call (NATS may redeliver a job)
 *   returns the recorded result instead of running again — see runStepOnce;
 * - stops at its time budget (well inside the 60 s function timeout) and answers
 *   `status: 'continue'` with a checkpoint; the orchestrator then sends chunk + 1 with that checkpoint;
 * - passes references (run id, raw file keys), never data: async payloads are capped at 1 MB.
 */
import { z } from 'zod';

import { nameSchema } from '#metadata/schema.ts';

/** The steps of a run, as recorded in `platform.run_steps.step`. */
export const STEP_NAMES = ['extract', 'bronze', 'silver', 'gold'] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** The largest budget a request may ask for: the function timeout is 60 s and committing needs a margin. */
export const MAX_STEP_BUDGET_MS = 55_000;

export const stepRequestSchema = z.strictObject({
  /** The run this step belongs to (`platform.runs.run_id`). */
  runId: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, { message: 'must be 1–100 letters, digits, _, . or -' }),
  /** Source name; `gold` for model runs. */
  source: nameSchema,
  /** Dataset name; the model name for gold runs. */
  dataset: nameSchema,
  /** Continuation number: 0 for the first invocation, +1 for each continuation. */
  chunk: z.number().int().min(0).default(0),
  /** The step the orchestrator means; when sent it must be the step of the function that receives it. */
  step: z.enum(STEP_NAMES).optional(),
  /** The orchestrator's attempt number for this chunk; echoed in the result so a late callback of an older attempt can be told apart. */
  attempt: z.number().int().min(1).optional(),
  /** Where the previous chunk stopped (whatever that step returned), absent on chunk 0. */
  checkpoint: z.unknown().optional(),
  /**
   * Milliseconds this invocation may work before it must return (with a checkpoint if unfinished),
   * counted from when the step starts — a budget, not a clock time, since the orchestrator's and the
   * function's clocks are never compared. Default DP_STEP_BUDGET_MS.
   */
  deadlineMs: z.number().int().min(1_000).max(MAX_STEP_BUDGET_MS).optional(),
});
export type StepRequest = z.output<typeof stepRequestSchema>;

/** Row counts a step reports; they land in the `rows_*` columns of `platform.run_steps`. */
export const stepCountsSchema = z.strictObject({
  read: z.number().int().min(0).default(0),
  inserted: z.number().int().min(0).default(0),
  updated: z.number().int().min(0).default(0),
  closed: z.number().int().min(0).default(0),
  deleted: z.number().int().min(0).default(0),
  rejected: z.number().int().min(0).default(0),
  unchanged: z.number().int().min(0).default(0),
});
export type StepCounts = z.output<typeof stepCountsSchema>;

/** What a step implementation returns. */
export type StepOutcome = {
  /** `done`: the step finished; `continue`: it stopped at its budget and `checkpoint` says where to go on. */
  readonly status: 'done' | 'continue';
  readonly checkpoint?: unknown;
  readonly counts?: Partial<StepCounts>;
  /** Facts worth keeping with the run (files written, cursor reached, model built). JSON-safe. */
  readonly detail?: Readonly<Record<string, unknown>>;
};

export const stepResultSchema = z.strictObject({
  runId: z.string(),
  step: z.enum(STEP_NAMES),
  chunk: z.number().int().min(0),
  /** The request's attempt, when it named one. */
  attempt: z.number().int().min(1).optional(),
  status: z.enum(['done', 'continue']),
  checkpoint: z.unknown().optional(),
  counts: stepCountsSchema,
  detail: z.record(z.string(), z.unknown()),
  /** True when this answer is the recorded result of an earlier invocation of the same chunk. */
  replayed: z.boolean(),
  durationMs: z.number().int().min(0),
});
/** What a step function answers (and the callback carries). */
export type StepResult = z.output<typeof stepResultSchema>;

/** What a step implementation gets besides the request. */
export type StepContext = {
  readonly request: StepRequest;
  readonly step: StepName;
  /** Epoch milliseconds by which the step must have returned (checkpoint included). */
  readonly deadline: number;
  /** Milliseconds left until the deadline (never negative). */
  readonly timeLeftMs: () => number;
  /** Aborted when the deadline passes; hand it to HTTP clients and long loops. */
  readonly signal: AbortSignal;
};

/** One step's implementation: a layer loader or a connector extraction. */
export type StepRunner<Resources> = (context: StepContext, resources: Resources) => Promise<StepOutcome>;
