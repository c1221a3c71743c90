import type { FunctionResources } from '../createFunctionResources.ts';
import type { StepRunner } from '../steps.ts';
import { stepUnavailable } from './stepUnavailable.ts';

/**
 * Imports the export files waiting in the source's inbox into raw parts.
 * Runs on shared/connectors (files connector); until that library is part of the build it answers `step.unavailable` (501).
 */
export const runFilesExtract: StepRunner<FunctionResources> = async () => {
  throw stepUnavailable('extract', 'files', 'shared/connectors (files connector)');
};
