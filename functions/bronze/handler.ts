/** bronze — loads a run's raw files into bronze (MongoDB). Step contract: docs/functions.md. */
import { createStepHandler } from '../../shared/runtime/createStepHandler.ts';
import { runBronzeStep } from '../../shared/runtime/runners/runBronzeStep.ts';

export default createStepHandler({ functionName: 'bronze', step: 'bronze', runner: runBronzeStep });
