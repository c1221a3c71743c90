/**
 * files — connector function: imports export files (CSV, JSON) dropped in a source's inbox.
 * A step request runs the extract step; its cron schedule (stack.yml) asks the orchestrator to
 * start runs for every files source. Step contract: docs/functions.md.
 */
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { runFilesExtract } from '#extract/runFilesExtract.ts';
import { startScheduledRuns } from '#pipeline/startScheduledRuns.ts';

export default createStepHandler({
  functionName: 'files',
  step: 'extract',
  runner: runFilesExtract,
  onSchedule: () => startScheduledRuns({ connector: 'files' }),
});
