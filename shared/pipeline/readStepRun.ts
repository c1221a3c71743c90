import type { CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError, ValidationError } from '#platform/errors.ts';
import type { RunKind } from './pipeline.ts';
import { getRun } from './runStore/getRun.ts';
import type { RunRow } from './runStore/runRow.ts';
import type { StepRequest } from './steps.ts';

/** The run a step request names (`platform.runs`), which must be of `kind`; `run.not_found` or `step.wrong_run_kind` otherwise. */
export async function readStepRun(db: CommonQueryMethods, request: StepRequest, kind: RunKind): Promise<RunRow> {
  const run = await getRun(db, request.runId);
  if (run === null) {
    throw new NotFoundError('run.not_found', `Run ${request.runId} does not exist; steps run only for runs the orchestrator started.`, { context: { runId: request.runId } });
  }
  if (run.kind !== kind) {
    throw new ValidationError('step.wrong_run_kind', `Run ${request.runId} is a ${run.kind} run, but this step works on ${kind} runs; dispatch ${run.kind === 'gold' ? 'the gold function' : 'the extract, bronze and silver functions'} for it.`, { context: { runId: request.runId } });
  }
  return run;
}
