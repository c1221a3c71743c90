import { stepCountsOfRow } from '#pipeline/runStore/stepCountsOfRow.ts';
import type { StepRow } from '#pipeline/runStore/stepRow.ts';

/** One step chunk of a run as `GET /runs/<id>` shows it. */
export type StepView = ReturnType<typeof toStepView>;

/** A step chunk as the run views show it: its state, timings, typed outcome (`has_checkpoint`, `resume_at`, `unchanged`, `counts`), detail and error. */
export function toStepView(step: StepRow) {
  return {
    step: step.step,
    chunk: step.chunk,
    status: step.status,
    attempt: step.attempt,
    function: step.function_name,
    call_id: step.call_id,
    dispatched_at: step.dispatched_at,
    sent_at: step.sent_at,
    started_at: step.started_at,
    finished_at: step.finished_at,
    duration_ms: step.duration_ms,
    next_attempt_at: step.next_attempt_at,
    has_checkpoint: step.checkpoint !== undefined,
    resume_at: step.resume_at,
    unchanged: step.unchanged,
    counts: stepCountsOfRow(step),
    detail: step.detail,
    error: step.error,
  };
}
