import type { FunctionResources } from '../createFunctionResources.ts';
import type { StepRunner } from '../steps.ts';
import { stepUnavailable } from './stepUnavailable.ts';

/**
 * Rebuilds one gold model and swaps it in atomically.
 * Runs on shared/gold; until that library is part of the build it answers `step.unavailable` (501).
 */
export const runGoldStep: StepRunner<FunctionResources> = async () => {
  throw stepUnavailable('gold', 'gold', 'shared/gold');
};
