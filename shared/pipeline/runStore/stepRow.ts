/** The one row shape of `platform.run_steps` (migrations 0002, 0006, 0008), for every statement of the run store. */
import { z } from 'zod';

import { decodeSuperjson } from '#platform/function/superjsonBody.ts';
import { jsonRecordSchema } from '../jsonRecord.ts';
import { STEP_NAMES, type StepName } from '../pipeline.ts';
import { errorRecordSchema } from './errorRecord.ts';

export const STEP_STATUSES = ['dispatched', 'running', 'succeeded', 'failed'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Identifies one chunk of one step of a run. */
export type StepKey = { readonly runId: string; readonly step: StepName; readonly chunk: number };

export const stepRowSchema = z.object({
  run_id: z.string(),
  step: z.enum(STEP_NAMES),
  /** Continuation number. */
  chunk: z.number().int(),
  status: z.enum(STEP_STATUSES),
  attempt: z.number().int(),
  /** The attempt whose outcome the orchestrator has acted on. */
  handled_attempt: z.number().int().nullable(),
  /** The OpenFaaS function the chunk goes to. */
  function_name: z.string().nullable(),
  /** The gateway's X-Call-Id of the sent attempt. */
  call_id: z.string().nullable(),
  dispatched_at: z.date(),
  /** When the current attempt was handed to the gateway; null while it still has to be sent. */
  sent_at: z.date().nullable(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  duration_ms: z.number().int().nullable(),
  /** Not sent (again) before this time: a backoff, or the step's `resumeAt`. */
  next_attempt_at: z.date().nullable(),
  /** Where the next chunk starts, revived from its superjson envelope; undefined when the chunk was `done` (or has no outcome yet). */
  checkpoint: z.unknown().transform((value) => (value === null || value === undefined ? undefined : decodeSuperjson(value, 'recorded checkpoint'))),
  /** The outcome's `resumeAt`. */
  resume_at: z.date().nullable(),
  /** The outcome's `unchanged`: the step found nothing new and the run ended after it. */
  unchanged: z.boolean(),
  rows_read: z.bigint(),
  rows_inserted: z.bigint(),
  rows_updated: z.bigint(),
  rows_closed: z.bigint(),
  rows_deleted: z.bigint(),
  rows_rejected: z.bigint(),
  rows_unchanged: z.bigint(),
  /** Facts for people; never read to decide anything. */
  detail: jsonRecordSchema,
  error: errorRecordSchema.nullable(),
});
export type StepRow = z.output<typeof stepRowSchema>;
