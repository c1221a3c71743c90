import { PlatformError } from '#platform/errors.ts';
import type { OrchestratorClient } from '#tools/cli/createOrchestratorClient.ts';
import type { RunDetail, StepSummary } from '#tools/cli/orchestratorReplies.ts';
import { waitForRuns } from '#tools/cli/waitForRuns.ts';

export type WaitForModelRunsOptions = {
  readonly client: Pick<OrchestratorClient, 'getRun' | 'listRuns'>;
  /** Only runs created at or after this ISO time count. */
  readonly since: string;
  /** Models that must have run (the data-aware event starts them). */
  readonly expected: readonly string[];
  readonly onStep?: (run: RunDetail, step: StepSummary) => void;
  /** Called once per gold run when it finishes. */
  readonly onFinished?: (run: RunDetail) => void;
  /** Milliseconds between polls. Default 500. */
  readonly pollMs?: number;
  /** Give up after this many milliseconds. Default 300000. */
  readonly timeoutMs?: number;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for the gold runs that the data-aware events start after `since`: until every expected model
 * has a run and no gold run created since is still active (a model run can start another model's run,
 * so the list is read again after each round). Resolves to the finished runs, oldest first.
 */
export async function waitForModelRuns(options: WaitForModelRunsOptions): Promise<RunDetail[]> {
  const since = Date.parse(options.since);
  const deadline = Date.now() + (options.timeoutMs ?? 300_000);
  const finished = new Map<string, RunDetail>();
  for (;;) {
    const recent = (await options.client.listRuns({ source: 'gold', limit: 100 })).filter((run) => run.created_at !== null && run.created_at !== undefined && Date.parse(run.created_at) >= since);
    const open = recent.filter((run) => !finished.has(run.run_id));
    const missing = options.expected.filter((model) => !recent.some((run) => run.dataset === model));
    if (open.length === 0 && missing.length === 0) {
      return [...finished.values()].sort((a, b) => Date.parse(a.run.created_at ?? '') - Date.parse(b.run.created_at ?? ''));
    }
    if (Date.now() >= deadline) {
      throw new PlatformError('demo.gold_timeout', missing.length > 0
        ? `No run of gold model${missing.length === 1 ? '' : 's'} ${missing.join(', ')} started after the bank data changed; check the orchestrator's log (events) and \`dp runs --source=gold\`.`
        : `Gold runs ${open.map((run) => run.run_id).join(', ')} did not finish in time; follow them with \`dp runs --source=gold\`.`);
    }
    if (open.length === 0) {
      await sleep(options.pollMs ?? 500);
      continue;
    }
    const details = await waitForRuns({ client: options.client, runIds: open.map((run) => run.run_id), onStep: options.onStep, onFinished: options.onFinished, pollMs: options.pollMs, timeoutMs: Math.max(1, deadline - Date.now()) });
    for (const detail of details) finished.set(detail.run.run_id, detail);
  }
}
