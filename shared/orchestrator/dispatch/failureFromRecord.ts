import { z } from 'zod';

import { redact } from '#platform/redact.ts';
import type { StepRecord } from './runRecords.ts';
import type { StepOutcome } from './stepOutcome.ts';

const recordedError = z.object({ code: z.string(), message: z.string(), retryable: z.boolean().default(false) });

/** The failure a step recorded in its row (runStepOnce writes the error body it answered), as an outcome. */
export function failureFromRecord(step: StepRecord, attempt: number): StepOutcome {
  const parsed = recordedError.safeParse(step.error);
  const error = parsed.success
    ? { code: parsed.data.code, message: redact(parsed.data.message), retryable: parsed.data.retryable }
    : { code: 'step.failed', message: `The ${step.step} step recorded a failure without an error body.`, retryable: true };
  return { kind: 'failure', attempt, error };
}
