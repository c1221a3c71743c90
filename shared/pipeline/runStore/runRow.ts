/** The one row shape of `platform.runs` (migration 0002), for every statement of the run store. */
import { z } from 'zod';

import { jsonRecordSchema } from '../jsonRecord.ts';
import { RUN_KINDS } from '../pipeline.ts';
import { errorRecordSchema } from './errorRecord.ts';

/** How a run was started (`trigger_kind`). */
export const TRIGGER_KINDS = ['schedule', 'event', 'webhook', 'manual', 'retry'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const RUN_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const runRowSchema = z.object({
  run_id: z.string(),
  kind: z.enum(RUN_KINDS),
  /** Source name, or `gold` for model runs. */
  source: z.string(),
  /** Dataset name, or the model name. */
  dataset: z.string(),
  load: z.enum(['full', 'delta']).nullable(),
  trigger_kind: z.enum(TRIGGER_KINDS),
  trigger_detail: jsonRecordSchema,
  /** The catalog version the run works from (int8). */
  metadata_version: z.bigint().transform(Number).nullable(),
  status: z.enum(RUN_STATUSES),
  /** For a skipped trigger: the run that was already active. */
  skipped_for: z.string().nullable(),
  /** The single timestamp silver uses as `_valid_from`/`_valid_to` for this run. */
  boundary_at: z.date().nullable(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  error: errorRecordSchema.nullable(),
});
export type RunRow = z.output<typeof runRowSchema>;
