import { PlatformError } from '../../errors.ts';
import type { StepName } from '../steps.ts';

/**
 * The error a step answers while the library it runs on is not part of the build:
 * 501 with code `step.unavailable`, so the orchestrator records a clear, stable failure.
 */
export function stepUnavailable(step: StepName, functionName: string, library: string): PlatformError {
  return new PlatformError('step.unavailable', `The ${step} step of ${functionName} needs ${library}, which this build does not include; deploy a build that has it.`, { status: 501, context: { step, function: functionName, library } });
}
