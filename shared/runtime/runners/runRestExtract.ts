import type { FunctionResources } from '../createFunctionResources.ts';
import type { StepRunner } from '../steps.ts';
import { stepUnavailable } from './stepUnavailable.ts';

/**
 * Pages through a REST API described by metadata and writes raw parts.
 * Runs on shared/connectors (declarative rest connector); until that library is part of the build it answers `step.unavailable` (501).
 */
export const runRestExtract: StepRunner<FunctionResources> = async () => {
  throw stepUnavailable('extract', 'rest', 'shared/connectors (declarative rest connector)');
};
