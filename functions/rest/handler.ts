/**
 * rest — connector function: extracts REST APIs described by metadata alone.
 * A step request runs the extract step; its cron schedule (stack.yml) asks the orchestrator to
 * start runs for every rest source. Step contract: docs/functions.md.
 */
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { runRestExtract } from '#extract/runRestExtract.ts';
import { startScheduledRuns } from '#pipeline/startScheduledRuns.ts';

export default createStepHandler({
  functionName: 'rest',
  step: 'extract',
  runner: runRestExtract,
  onSchedule: () => startScheduledRuns({ connector: 'rest' }),
});
