import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import { createBronzeStepRunner } from '#bronze/runBronzeStep.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { StepRunner } from '#pipeline/steps.ts';
import { createBronzePassStaging } from './createBronzePassStaging.ts';

/**
 * The bronze function's step: bronze's runner with silver's staging alongside, so each slice written to bronze
 * is staged for the run's silver merge in the same pass and silver never reads the records back
 * (docs/data-flow.md). It lives here because silver may import bronze, not the other way round.
 */
export const runBronzeStepStagingSilver: StepRunner<FunctionResources> = createBronzeStepRunner({
  alongside: (run, resources, log) => createBronzePassStaging({ pool: () => resources.pool(), withCopy: resources.copyTransaction(), plan: resolveDatasetColumns(run.ref), runId: run.runId, log }),
});
