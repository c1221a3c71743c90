import type { FunctionResources } from '../createFunctionResources.ts';
import type { StepRunner } from '../steps.ts';
import { stepUnavailable } from './stepUnavailable.ts';

/**
 * Extracts YNAB data (delta through server_knowledge) into raw parts.
 * Runs on shared/connectors (ynab connector); until that library is part of the build it answers `step.unavailable` (501).
 */
export const runYnabExtract: StepRunner<FunctionResources> = async () => {
  throw stepUnavailable('extract', 'ynab', 'shared/connectors (ynab connector)');
};
