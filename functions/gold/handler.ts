/** gold — rebuilds a gold model over silver. Step contract: docs/functions.md. */
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { runGoldStep } from '#gold/runGoldStep.ts';

export default createStepHandler({ functionName: 'gold', step: 'gold', runner: runGoldStep });
