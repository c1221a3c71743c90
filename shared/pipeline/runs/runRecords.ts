/**
 * Row shapes of the run audit tables (`platform.runs`, `platform.run_steps`, migration 0002) and
 * the counts a layer step reports. Shared by the layer steps and the orchestrator.
 */
import superjson, { type SuperJSONResult } from 'superjson';
import { z } from 'zod';
import type { StepCounts as StepContractCounts } from '../steps.ts';

/** The row-count columns of `platform.run_steps` (int8, so bigint), shared by every reader of step rows. */
export const stepRowCountsShape = {
  rows_read: z.bigint(),
  rows_inserted: z.bigint(),
  rows_updated: z.bigint(),
  rows_closed: z.bigint(),
  rows_deleted: z.bigint(),
  rows_rejected: z.bigint(),
  rows_unchanged: z.bigint(),
};

export const RUN_KINDS = ['dataset', 'gold'] as const;
export const TRIGGER_KINDS = ['schedule', 'event', 'webhook', 'manual', 'retry'] as const;
export const RUN_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const;
export const STEP_STATUSES = ['dispatched', 'running', 'succeeded', 'failed'] as const;

/** What a stored error looks like: stable code, redacted message, retry hint, structured context. */
export const errorRecordSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean().default(false),
  context: z.record(z.string(), z.unknown()).default({}),
});
export type ErrorRecord = z.output<typeof errorRecordSchema>;

export const runRowSchema = z.object({
  run_id: z.string(),
  kind: z.enum(RUN_KINDS),
  source: z.string(),
  dataset: z.string(),
  load: z.enum(['full', 'delta']).nullable(),
  trigger_kind: z.enum(TRIGGER_KINDS),
  trigger_detail: z.record(z.string(), z.unknown()),
  metadata_version: z.bigint().nullable(),
  status: z.enum(RUN_STATUSES),
  skipped_for: z.string().nullable(),
  boundary_at: z.date().nullable(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  error: errorRecordSchema.nullable(),
});
export type RunRow = z.output<typeof runRowSchema>;

/** Rows a layer step read and what it did with them (the step contract's counts); every field defaults to 0. */
export type StepCounts = Partial<StepContractCounts>;

export const stepRowSchema = z.object({
  run_id: z.string(),
  step: z.string(),
  chunk: z.number().int(),
  status: z.enum(STEP_STATUSES),
  attempt: z.number().int(),
  call_id: z.string().nullable(),
  dispatched_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  duration_ms: z.number().int().nullable(),
  /** The checkpoint as the step returned it (stored with superjson). */
  checkpoint: z.unknown().transform((value) => (value === null || value === undefined ? null : superjson.deserialize(value as SuperJSONResult))),
  next_attempt_at: z.date().nullable(),
  ...stepRowCountsShape,
  detail: z.record(z.string(), z.unknown()),
  error: errorRecordSchema.nullable(),
});
export type StepRow = z.output<typeof stepRowSchema>;
