/** gold — rebuilds a gold model over silver. Step contract: docs/functions.md. */
import { createStepHandler } from '../../shared/pipeline/createStepHandler.ts';
import { runGoldStep } from '../../shared/gold/runGoldStep.ts';

export default createStepHandler({ functionName: 'gold', step: 'gold', runner: runGoldStep });
