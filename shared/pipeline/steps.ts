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
 *   `status: 'continue'` with a checkpoint; the orchestrator then sends chunk + 1 with that checkpoint
 *   (not before `resumeAt` when the step says so);
 * - answers `unchanged: true` when it found nothing new: the run then ends without the later steps;
 * - passes references (run id, raw file keys), never data: async payloads are capped at 1 MB.
 */
import { z } from 'zod';

import type { DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { nameSchema } from '#metadata/schema.ts';
import { jsonRecordSchema } from './jsonRecord.ts';
import { STEP_NAMES, type StepName } from './pipeline.ts';

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

/**
 * What a step chunk came to. The fields the platform acts on are typed here and stored in typed columns of
 * `platform.run_steps`; `detail` is for people (files written, table, timings) and is never read to decide anything.
 */
const outcomeShape = {
  /** `done`: the step finished; `continue`: it stopped at its budget and `checkpoint` says where to go on. */
  status: z.enum(['done', 'continue']),
  /** Where the next chunk starts (any superjson value); only with `continue`. */
  checkpoint: z.unknown().optional(),
  /** With `continue`: the next chunk is not sent before this time (ms epoch) — an API asked to wait (Retry-After). */
  resumeAt: z.number().int().min(0).optional(),
  /** With `done`: the step found nothing new (HTTP 304, an empty inbox), so the run ends here without the later steps. */
  unchanged: z.boolean().default(false),
  counts: stepCountsSchema.prefault({}),
  detail: jsonRecordSchema.default({}),
};

type OutcomeFields = { readonly status: 'done' | 'continue'; readonly checkpoint?: unknown; readonly resumeAt?: number | undefined; readonly unchanged: boolean };

function checkOutcome(outcome: OutcomeFields, context: z.RefinementCtx): void {
  const problem = (path: string, message: string): void => context.addIssue({ code: 'custom', path: [path], message });
  if (outcome.status === 'continue' && outcome.checkpoint === undefined) problem('checkpoint', "'continue' needs a checkpoint: return where the next chunk starts");
  if (outcome.status === 'done' && outcome.checkpoint !== undefined) problem('checkpoint', "'done' takes no checkpoint: a checkpoint only says where the next chunk starts — put final positions in detail");
  if (outcome.status === 'done' && outcome.resumeAt !== undefined) problem('resumeAt', "only 'continue' is resumed later");
  if (outcome.status === 'continue' && outcome.unchanged) problem('unchanged', "'unchanged' ends the run: only a 'done' step says it");
}

export const stepOutcomeSchema = z.strictObject(outcomeShape).superRefine(checkOutcome);
/** A step chunk's outcome, as recorded and acted on (defaults filled in). */
export type StepOutcome = z.output<typeof stepOutcomeSchema>;
/** What a step implementation returns: counts, detail and `unchanged` may be left out. */
export type StepOutcomeInput = z.input<typeof stepOutcomeSchema>;

export const stepResultSchema = z.strictObject({
  runId: z.string(),
  step: z.enum(STEP_NAMES),
  chunk: z.number().int().min(0),
  /** The request's attempt, when it named one. */
  attempt: z.number().int().min(1).optional(),
  ...outcomeShape,
  /** True when this answer is the recorded result of an earlier invocation of the same chunk. */
  replayed: z.boolean(),
  durationMs: z.number().int().min(0),
}).superRefine(checkOutcome);
/** What a step function answers (and the callback carries): the chunk, its outcome, and how it was obtained. */
export type StepResult = z.output<typeof stepResultSchema>;

/** The outcome part of a step result. */
export function outcomeOfResult(result: StepResult): StepOutcome {
  const { runId: _runId, step: _step, chunk: _chunk, attempt: _attempt, replayed: _replayed, durationMs: _durationMs, ...outcome } = result;
  return outcome;
}

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
  /**
   * Records the chunk's outcome in the step's own transaction, so it commits with the step's writes or not at
   * all (silver does: a chunk redelivered after its commit then replays the outcome instead of merging again).
   * The outcome the runner returns is recorded afterwards anyway.
   */
  readonly recordOutcome: (tx: DatabaseTransactionConnection, outcome: StepOutcomeInput) => Promise<void>;
};

/** One step's implementation: a layer loader or a connector extraction. */
export type StepRunner<Resources> = (context: StepContext, resources: Resources) => Promise<StepOutcomeInput>;
