import { NotFoundError } from '#platform/errors.ts';
import type { OrchestratorReply } from './orchestratorApi.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import { selectRunEvents } from './selectRunEvents.ts';
import { selectRuns } from './selectRuns.ts';
import { selectRunSteps } from './selectRunSteps.ts';
import { selectSkippedRuns } from './selectSkippedRuns.ts';

/** `GET /runs/<id>`: the run, each step chunk (attempts, timings, counts, errors), the events it emitted, and the triggers skipped while it ran. */
export async function describeRun(context: OrchestratorContext, runId: string): Promise<OrchestratorReply> {
  const [run] = await selectRuns(context.pool, { runId, limit: 1 });
  if (run === undefined) {
    throw new NotFoundError('run.not_found', `Run ${runId} does not exist; list runs with GET /function/orchestrator/runs or \`dp runs\`.`, { context: { runId } });
  }
  const steps = await selectRunSteps(context.pool, runId);
  const events = await selectRunEvents(context.pool, runId);
  const skipped = await selectSkippedRuns(context.pool, runId);
  return { status: 200, body: { run, steps, events, skipped_triggers: skipped } };
}
