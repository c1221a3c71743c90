import type { CommonQueryMethods } from '#platform/db/sql.ts';
import { listRuns, type RunFilter } from '#pipeline/runStore/listRuns.ts';
import { listRunSteps } from '#pipeline/runStore/listRunSteps.ts';
import type { RunRow } from '#pipeline/runStore/runRow.ts';
import { sumStepCounts } from '#pipeline/runStore/sumStepCounts.ts';
import type { StepCounts } from '#pipeline/steps.ts';

/** A run as the console's run lists show it: the run store's row, its chunk and retry counts, and what its last counting step did. */
export type ConsoleRun = RunRow & {
  /** Step chunks the run has. */
  readonly chunks: number;
  /** Attempts beyond the first, over all its chunks. */
  readonly retries: number;
  /** The counts of the run's silver (or, for a model, gold) chunks that succeeded; null when none did. */
  readonly counts: (StepCounts & { readonly step: 'silver' | 'gold' }) | null;
};

/** The newest runs matching the filter, newest first, with what the run lists show of their steps (read from the run store). */
export async function listConsoleRuns(db: CommonQueryMethods, filter: RunFilter): Promise<readonly ConsoleRun[]> {
  const runs = await listRuns(db, filter);
  const steps = await listRunSteps(db, runs.map((run) => run.run_id));
  const byRun = new Map<string, (typeof steps)[number][]>();
  for (const step of steps) byRun.set(step.run_id, [...(byRun.get(step.run_id) ?? []), step]);
  return runs.map((run) => {
    const own = byRun.get(run.run_id) ?? [];
    const counting = (['silver', 'gold'] as const).find((name) => own.some((step) => step.step === name && step.status === 'succeeded'));
    return {
      ...run,
      chunks: own.length,
      retries: own.reduce((sum, step) => sum + step.attempt - 1, 0),
      counts: counting === undefined ? null : { step: counting, ...sumStepCounts(own, counting) },
    };
  });
}
