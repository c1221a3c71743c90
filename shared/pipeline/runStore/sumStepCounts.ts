import type { StepCounts } from '../steps.ts';
import { stepCountsOfRow } from './stepCountsOfRow.ts';
import type { StepRow } from './stepRow.ts';

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
