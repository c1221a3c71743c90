import type { CommonQueryMethods } from '#platform/db/sql.ts';
import { listRunSteps } from '#pipeline/runStore/listRunSteps.ts';
import { listRuns, type RunFilter } from '#pipeline/runStore/listRuns.ts';
import { toRunView, type RunView } from './toRunView.ts';

/** Runs matching the filter, newest first, as `GET /runs` shows them. */
export async function listRunViews(db: CommonQueryMethods, filter: RunFilter): Promise<RunView[]> {
  const runs = await listRuns(db, filter);
  const steps = await listRunSteps(db, runs.map((run) => run.run_id));
  return runs.map((run) => toRunView(run, steps.filter((step) => step.run_id === run.run_id)));
}
