import type { StepCounts, StepOutcome } from '../steps.ts';
import type { StepRow } from './stepRow.ts';

/** A chunk's row counts as the step contract's counts. */
export function stepCountsOfRow(row: StepRow): StepCounts {
  return {
    read: Number(row.rows_read),
    inserted: Number(row.rows_inserted),
    updated: Number(row.rows_updated),
    closed: Number(row.rows_closed),
    deleted: Number(row.rows_deleted),
    rejected: Number(row.rows_rejected),
    unchanged: Number(row.rows_unchanged),
  };
}

/** The outcome a succeeded chunk recorded: what a replayed step answers, and what the tick acts on when a callback never came. */
export function stepOutcomeOfRow(row: StepRow): StepOutcome {
  const counts = stepCountsOfRow(row);
  if (row.checkpoint !== undefined) {
    return { status: 'continue', checkpoint: row.checkpoint, ...(row.resume_at === null ? {} : { resumeAt: row.resume_at.getTime() }), unchanged: false, counts, detail: row.detail };
  }
  return { status: 'done', unchanged: row.unchanged, counts, detail: row.detail };
}

/** The counts of every chunk of one step that succeeded, added up. */
export function sumStepCounts(rows: readonly StepRow[], step: StepRow['step']): StepCounts {
  const total: StepCounts = { read: 0, inserted: 0, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0 };
  for (const row of rows) {
    if (row.step !== step || row.status !== 'succeeded') continue;
    const counts = stepCountsOfRow(row);
    for (const name of Object.keys(total) as (keyof StepCounts)[]) total[name] += counts[name];
  }
  return total;
}
