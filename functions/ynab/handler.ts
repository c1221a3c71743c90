/**
 * ynab — connector function: extracts YNAB budgets, accounts and transactions.
 * A step request runs the extract step; its cron schedule (stack.yml) asks the orchestrator to
 * start runs for every ynab source. Step contract: docs/functions.md.
 */
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { runYnabExtract } from '#extract/runYnabExtract.ts';
import { startScheduledRuns } from '#pipeline/startScheduledRuns.ts';

export default createStepHandler({
  functionName: 'ynab',
  step: 'extract',
  runner: runYnabExtract,
  onSchedule: () => startScheduledRuns({ connector: 'ynab' }),
});
