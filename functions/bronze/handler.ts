/** bronze — loads a run's raw files into bronze (MongoDB). Step contract: docs/functions.md. */
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { runBronzeStepStagingSilver } from '#silver/runBronzeStepStagingSilver.ts';

export default createStepHandler({ functionName: 'bronze', step: 'bronze', runner: runBronzeStepStagingSilver });
