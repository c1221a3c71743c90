/** silver — merges a run's bronze documents into silver (Postgres, SCD2). Step contract: docs/functions.md. */
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { runSilverStep } from '#silver/runSilverStep.ts';

export default createStepHandler({ functionName: 'silver', step: 'silver', runner: runSilverStep });
