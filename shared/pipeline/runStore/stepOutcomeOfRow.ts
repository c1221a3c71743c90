import type { StepOutcome } from '../steps.ts';
import { stepCountsOfRow } from './stepCountsOfRow.ts';
import type { StepRow } from './stepRow.ts';

/** The outcome a succeeded chunk recorded: what a replayed step answers, and what the tick acts on when a callback never came. */
export function stepOutcomeOfRow(row: StepRow): StepOutcome {
  const counts = stepCountsOfRow(row);
  if (row.checkpoint !== undefined) {
    return { status: 'continue', checkpoint: row.checkpoint, ...(row.resume_at === null ? {} : { resumeAt: row.resume_at.getTime() }), unchanged: false, counts, detail: row.detail };
  }
  return { status: 'done', unchanged: row.unchanged, counts, detail: row.detail };
}
