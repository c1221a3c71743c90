import type { FunctionResources } from '../createFunctionResources.ts';
import type { StepRunner } from '../steps.ts';
import { stepUnavailable } from './stepUnavailable.ts';

/**
 * Loads the run's raw files into the bronze collection (one document per record, audit fields, idempotent per raw file).
 * Runs on shared/bronze; until that library is part of the build it answers `step.unavailable` (501).
 */
export const runBronzeStep: StepRunner<FunctionResources> = async () => {
  throw stepUnavailable('bronze', 'bronze', 'shared/bronze');
};
