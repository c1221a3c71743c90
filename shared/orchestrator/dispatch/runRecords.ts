/**
 * Row shapes of `platform.runs` and `platform.run_steps` as the orchestrator reads them (zod, for
 * slonik's result parser).
 */
import { z } from 'zod';

import { STEP_NAMES } from '#pipeline/steps.ts';
import { stepRowCountsShape } from '#pipeline/runs/runRecords.ts';

export const runRecordSchema = z.object({
  run_id: z.string(),
  kind: z.enum(['dataset', 'gold']),
  source: z.string(),
  dataset: z.string(),
  load: z.enum(['full', 'delta']).nullable(),
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']),
  metadata_version: z.bigint().transform(Number).nullable(),
  trigger_kind: z.string(),
});
export type RunRecord = z.output<typeof runRecordSchema>;

export const stepRecordSchema = z.object({
  run_id: z.string(),
  step: z.enum(STEP_NAMES),
  chunk: z.number(),
  status: z.enum(['dispatched', 'running', 'succeeded', 'failed']),
  attempt: z.number(),
  handled_attempt: z.number().nullable(),
  function_name: z.string().nullable(),
  call_id: z.string().nullable(),
  dispatched_at: z.date(),
  sent_at: z.date().nullable(),
  started_at: z.date().nullable(),
  next_attempt_at: z.date().nullable(),
  checkpoint: z.unknown(),
  detail: z.record(z.string(), z.unknown()),
  error: z.unknown(),
  ...stepRowCountsShape,
});
export type StepRecord = z.output<typeof stepRecordSchema>;

/** Identifies one chunk of one step of a run. */
export type StepKey = { readonly runId: string; readonly step: (typeof STEP_NAMES)[number]; readonly chunk: number };
