/**
 * The orchestrator's replies as the CLI reads them (`/function/orchestrator/...`, plain JSON with
 * bigints and dates as strings). Parsed leniently: fields the CLI does not show may come and go.
 */
import { z } from 'zod';

const count = z.union([z.number(), z.string()]).transform(Number);
const optionalCount = count.nullable().optional();
const timestamp = z.string().nullable().optional();

export const errorRecordSchema = z.looseObject({ code: z.string(), message: z.string() });

export const runSummarySchema = z.looseObject({
  run_id: z.string(),
  kind: z.enum(['dataset', 'gold']).optional(),
  source: z.string(),
  dataset: z.string(),
  load: z.string().nullable().optional(),
  trigger_kind: z.string().optional(),
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']),
  skipped_for: z.string().nullable().optional(),
  created_at: timestamp,
  started_at: timestamp,
  finished_at: timestamp,
  error: errorRecordSchema.nullable().optional(),
});
export type RunSummary = z.output<typeof runSummarySchema>;

export const stepSummarySchema = z.looseObject({
  step: z.string(),
  chunk: count,
  status: z.string(),
  attempt: count.optional(),
  duration_ms: optionalCount,
  rows_read: optionalCount,
  rows_inserted: optionalCount,
  rows_updated: optionalCount,
  rows_closed: optionalCount,
  rows_deleted: optionalCount,
  rows_rejected: optionalCount,
  rows_unchanged: optionalCount,
  detail: z.record(z.string(), z.unknown()).nullable().optional(),
  error: errorRecordSchema.nullable().optional(),
});
export type StepSummary = z.output<typeof stepSummarySchema>;

/** `POST /runs`: the runs the request created, started ones and skipped ones (pointing at the active run). */
export const startRunsReplySchema = z.looseObject({ runs: z.array(runSummarySchema) });

/** `GET /runs/<id>`: the run and every chunk of its steps, in order. */
export const runDetailReplySchema = z.looseObject({ run: runSummarySchema, steps: z.array(stepSummarySchema) });
export type RunDetail = z.output<typeof runDetailReplySchema>;

/** `GET /runs`: newest first. */
export const listRunsReplySchema = z.looseObject({ runs: z.array(runSummarySchema) });

export const datasetStatusSchema = z.looseObject({
  source: z.string(),
  dataset: z.string(),
  load: z.string().nullable().optional(),
  last_run: runSummarySchema.nullable().optional(),
  /** When silver last committed a run of the dataset. */
  last_success_at: timestamp,
  /** Silver rows: current versions (not deleted) and every version kept. */
  rows: z.looseObject({ current: optionalCount, total: optionalCount }).nullable().optional(),
});
export type DatasetStatus = z.output<typeof datasetStatusSchema>;

export const modelStatusSchema = z.looseObject({
  model: z.string(),
  last_run: runSummarySchema.nullable().optional(),
  last_success_at: timestamp,
  rows: optionalCount,
});
export type ModelStatus = z.output<typeof modelStatusSchema>;

/** `GET /status`: every active dataset and gold model with its last run, freshness and row counts. */
export const statusReplySchema = z.looseObject({
  datasets: z.array(datasetStatusSchema),
  models: z.array(modelStatusSchema).default([]),
});
export type StatusReply = z.output<typeof statusReplySchema>;
