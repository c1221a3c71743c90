import type { StepCounts } from '../steps.ts';
import type { StepRow } from './stepRow.ts';

/** A chunk's row counts (`rows_*`, int8) as the step contract's counts. */
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
