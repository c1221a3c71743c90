/** gold — rebuilds a gold model over silver. Step contract: docs/functions.md. */
import { createStepHandler } from '../../shared/runtime/createStepHandler.ts';
import { runGoldStep } from '../../shared/runtime/runners/runGoldStep.ts';

export default createStepHandler({ functionName: 'gold', step: 'gold', runner: runGoldStep });
