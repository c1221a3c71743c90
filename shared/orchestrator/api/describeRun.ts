import { NotFoundError } from '#platform/errors.ts';
import { getRun } from '#pipeline/runStore/getRun.ts';
import { listRunSteps } from '#pipeline/runStore/listRunSteps.ts';
import { listSkippedRuns } from '#pipeline/runStore/listSkippedRuns.ts';
import type { OrchestratorReply } from './orchestratorApi.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import { toRunView } from './toRunView.ts';
import { toStepView } from './toStepView.ts';
import { selectRunEvents } from './selectRunEvents.ts';

/** `GET /runs/<id>`: the run, each step chunk (attempts, timings, counts, errors), the events it emitted, and the triggers skipped while it ran. */
export async function describeRun(context: OrchestratorContext, runId: string): Promise<OrchestratorReply> {
  const run = await getRun(context.pool, runId);
  if (run === null) {
    throw new NotFoundError('run.not_found', `Run ${runId} does not exist; list runs with GET /function/orchestrator/runs or \`dp runs\`.`, { context: { runId } });
  }
  const steps = await listRunSteps(context.pool, [runId]);
  const events = await selectRunEvents(context.pool, runId);
  const skipped = await listSkippedRuns(context.pool, runId);
  return { status: 200, body: { run: toRunView(run, steps), steps: steps.map(toStepView), events, skipped_triggers: skipped.map((entry) => entry.run_id) } };
}
