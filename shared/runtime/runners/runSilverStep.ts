import type { FunctionResources } from '../createFunctionResources.ts';
import type { StepRunner } from '../steps.ts';
import { stepUnavailable } from './stepUnavailable.ts';

/**
 * Merges the run's bronze documents into the silver table (SCD1/SCD2, one transaction per run).
 * Runs on shared/silver; until that library is part of the build it answers `step.unavailable` (501).
 */
export const runSilverStep: StepRunner<FunctionResources> = async () => {
  throw stepUnavailable('silver', 'silver', 'shared/silver');
};
