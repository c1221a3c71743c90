import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { NotFoundError, ValidationError } from '#platform/errors.ts';
import type { StepRequest } from './steps.ts';

const runRow = z.object({
  run_id: z.string(),
  kind: z.enum(['dataset', 'gold']),
  source: z.string(),
  dataset: z.string(),
  load: z.enum(['full', 'delta']).nullable(),
  trigger_detail: z.record(z.string(), z.unknown()),
  metadata_version: z.bigint().nullable(),
  created_at: z.date(),
});
export type StepRunRow = z.output<typeof runRow>;

/** The run a step request names (`platform.runs`), which must be of `kind`; `run.not_found` or `step.wrong_run_kind` otherwise. */
export async function readStepRun(db: CommonQueryMethods, request: StepRequest, kind: 'dataset' | 'gold'): Promise<StepRunRow> {
  const run = await db.maybeOne(sql.type(runRow)`
    SELECT run_id, kind, source, dataset, load, trigger_detail, metadata_version, created_at
    FROM platform.runs WHERE run_id = ${request.runId}`);
  if (run === null) {
    throw new NotFoundError('run.not_found', `Run ${request.runId} does not exist; steps run only for runs the orchestrator started.`, { context: { runId: request.runId } });
  }
  if (run.kind !== kind) {
    throw new ValidationError('step.wrong_run_kind', `Run ${request.runId} is a ${run.kind} run, but this step works on ${kind} runs; dispatch ${run.kind === 'gold' ? 'the gold function' : 'the extract, bronze and silver functions'} for it.`, { context: { runId: request.runId } });
  }
  return run;
}
