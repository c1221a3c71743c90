import { decodeSuperjson } from '#platform/function/superjsonBody.ts';
import type { StepRecord } from './runRecords.ts';
import type { StepOutcome } from './stepOutcome.ts';

/** The success a step recorded in its row (runStepOnce), as an outcome: what the tick uses when the callback never came. */
export function successFromRecord(step: StepRecord, attempt: number): StepOutcome {
  const checkpoint = step.checkpoint === null || step.checkpoint === undefined ? undefined : decodeSuperjson(step.checkpoint, 'recorded checkpoint');
  return {
    kind: 'success',
    attempt,
    status: checkpoint === undefined ? 'done' : 'continue',
    checkpoint,
    counts: {
      read: Number(step.rows_read),
      inserted: Number(step.rows_inserted),
      updated: Number(step.rows_updated),
      closed: Number(step.rows_closed),
      deleted: Number(step.rows_deleted),
      rejected: Number(step.rows_rejected),
      unchanged: Number(step.rows_unchanged),
    },
    detail: step.detail,
    durationMs: undefined,
    record: false,
  };
}
