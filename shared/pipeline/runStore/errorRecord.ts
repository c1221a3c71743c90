import { z } from 'zod';

import { jsonRecordSchema } from '../jsonRecord.ts';
import { STEP_NAMES } from '../pipeline.ts';

/**
 * An error as `platform.runs.error` and `platform.run_steps.error` hold it: a stable code, a redacted message,
 * whether another attempt may pass; on a run, the step chunk and attempt that ended it.
 */
export const errorRecordSchema = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean().default(false),
  /** The step function's HTTP status, when it answered. */
  status: z.number().int().optional(),
  step: z.enum(STEP_NAMES).optional(),
  chunk: z.number().int().min(0).optional(),
  attempt: z.number().int().min(1).optional(),
  /** Structured facts of the error (redacted). */
  context: jsonRecordSchema.optional(),
});
export type ErrorRecord = z.output<typeof errorRecordSchema>;

