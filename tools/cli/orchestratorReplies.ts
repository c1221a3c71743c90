/**
 * The orchestrator's replies as the CLI reads them (`/function/orchestrator/...`, plain JSON with
 * bigints and dates as strings; see shared/orchestrator/). Parsed leniently: fields the CLI does not
 * show may come and go.
 */
import { z } from 'zod';

const count = z.union([z.number(), z.string()]).transform(Number);
const timestamp = z.string().nullable().optional();

/** A stored error: `{ code, message, … }`; anything else reads as absent. */
const errorRecord = z
  .unknown()
  .transform((value) => (typeof value === 'object' && value !== null && typeof (value as { code?: unknown }).code === 'string' && typeof (value as { message?: unknown }).message === 'string' ? (value as { code: string; message: string }) : null));

export const RUN_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const;

export const runSummarySchema = z.looseObject({
  run_id: z.string(),
  kind: z.enum(['dataset', 'gold']).optional(),
  source: z.string(),
  dataset: z.string(),
  load: z.string().nullable().optional(),
  /** `manual`, `schedule`, `event`, `webhook` or `retry`. */
  trigger: z.string().optional(),
  status: z.enum(RUN_STATUSES),
  skipped_for: z.string().nullable().optional(),
  created_at: timestamp,
  started_at: timestamp,
  finished_at: timestamp,
  duration_ms: count.nullable().optional(),
  error: errorRecord.optional(),
});
export type RunSummary = z.output<typeof runSummarySchema>;

const stepCounts = z.looseObject({
  read: count.default(0),
  inserted: count.default(0),
  updated: count.default(0),
  closed: count.default(0),
  deleted: count.default(0),
  rejected: count.default(0),
  unchanged: count.default(0),
});
export type StepCounts = z.output<typeof stepCounts>;

export const stepSummarySchema = z.looseObject({
  step: z.string(),
  chunk: count,
  /** `dispatched`, `running`, `succeeded` or `failed`. */
  status: z.string(),
  attempt: count.optional(),
  duration_ms: count.nullable().optional(),
  next_attempt_at: timestamp,
  counts: stepCounts.nullable().optional(),
  detail: z.record(z.string(), z.unknown()).nullable().optional(),
  error: errorRecord.optional(),
});
export type StepSummary = z.output<typeof stepSummarySchema>;

const openedRun = z.looseObject({ run_id: z.string(), source: z.string(), dataset: z.string(), skipped_for: z.string().optional() });
export type OpenedRun = z.output<typeof openedRun>;

/** `POST /runs`: the runs started, and the triggers recorded as skipped because their dataset had an active run. */
export const startRunsReplySchema = z.looseObject({ runs: z.array(openedRun), skipped: z.array(openedRun).default([]) });
export type StartRunsReply = z.output<typeof startRunsReplySchema>;

/** `POST /runs/<id>/cancel` */
export const cancelReplySchema = z.looseObject({ outcome: z.literal('cancelled'), run_id: z.string(), source: z.string(), dataset: z.string() });
export type CancelReply = z.output<typeof cancelReplySchema>;

/** `GET /runs/<id>`: the run and every chunk of its steps, in pipeline order. */
export const runDetailReplySchema = z.looseObject({ run: runSummarySchema, steps: z.array(stepSummarySchema) });
export type RunDetail = z.output<typeof runDetailReplySchema>;

/** `GET /runs`: newest first. */
export const listRunsReplySchema = z.looseObject({ runs: z.array(runSummarySchema) });

const lastRun = z.looseObject({ run_id: z.string(), status: z.string(), trigger: z.string().optional(), created_at: timestamp, finished_at: timestamp, error: errorRecord.optional() }).nullable().optional();

export const datasetStatusSchema = z.looseObject({
  source: z.string(),
  dataset: z.string(),
  load: z.string().nullable().optional(),
  /** `running`, the last run's status, or `never_run`. */
  status: z.string().optional(),
  last_run: lastRun,
  /** When a run of the dataset last succeeded. */
  last_success_at: timestamp,
  freshness_seconds: count.nullable().optional(),
  silver: z.looseObject({ table: z.string(), current_rows: count, total_rows: count }).nullable().optional(),
  /** The dataset's raw files, gzipped ones included, as its last bronze step measured them. */
  raw: z.looseObject({ runs: count, files: count, bytes: count, compressed_files: count, compressed_bytes: count }).nullable().optional(),
});
export type DatasetStatus = z.output<typeof datasetStatusSchema>;

export const modelStatusSchema = z.looseObject({
  model: z.string(),
  status: z.string().optional(),
  last_run: lastRun,
  last_success_at: timestamp,
  freshness_seconds: count.nullable().optional(),
  gold: z.looseObject({ table: z.string(), rows: count }).nullable().optional(),
});
export type ModelStatus = z.output<typeof modelStatusSchema>;

/** `GET /status`: every active dataset and gold model with its last run, freshness and row counts. */
export const statusReplySchema = z.looseObject({
  datasets: z.array(datasetStatusSchema),
  models: z.array(modelStatusSchema).default([]),
});
export type StatusReply = z.output<typeof statusReplySchema>;

/** One kept log line of `GET /runs/<id>/logs`. */
export const runLogLineSchema = z.looseObject({
  step: z.string().nullable(),
  chunk: count.nullable(),
  attempt: count.nullable(),
  function: z.string(),
  logged_at: z.string(),
  level: z.string(),
  event: z.string(),
  line: z.string(),
});
export type RunLogLine = z.output<typeof runLogLineSchema>;

/** `GET /runs/<id>/logs`: the run's status and the log lines its invocations kept, oldest first. */
export const runLogsReplySchema = z.looseObject({ run_id: z.string(), status: z.string(), lines: z.array(runLogLineSchema) });
export type RunLogsReply = z.output<typeof runLogsReplySchema>;
