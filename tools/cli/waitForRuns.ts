import { PlatformError } from '#platform/errors.ts';
import type { OrchestratorClient } from './createOrchestratorClient.ts';
import type { RunDetail, StepSummary } from './orchestratorReplies.ts';

export const FINISHED_RUN_STATUSES: readonly string[] = ['succeeded', 'failed', 'skipped'];

export type WaitForRunsOptions = {
  readonly client: Pick<OrchestratorClient, 'getRun'>;
  readonly runIds: readonly string[];
  /** Called once per step chunk each time its status (or attempt) changes. */
  readonly onStep?: (run: RunDetail, step: StepSummary) => void;
  /** Called once per run when it finishes. */
  readonly onFinished?: (run: RunDetail) => void;
  /** Milliseconds between polls. Default 500. */
  readonly pollMs?: number;
  /** Give up after this many milliseconds (a `cli.wait_timeout` error). Default 600000. */
  readonly timeoutMs?: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  readonly now?: () => number;
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `GET /runs/<id>` for each run until every one has finished (succeeded, failed or skipped),
 * reporting each step chunk as its status changes; resolves to the finished runs in the given order.
 */
export async function waitForRuns(options: WaitForRunsOptions): Promise<RunDetail[]> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.timeoutMs ?? 600_000);
  const seen = new Map<string, string>();
  const finished = new Map<string, RunDetail>();
  for (;;) {
    for (const runId of options.runIds) {
      if (finished.has(runId)) continue;
      const detail = await options.client.getRun(runId);
      for (const step of detail.steps) {
        const key = `${runId}/${step.step}/${step.chunk}`;
        const state = `${step.status}/${step.attempt ?? 1}`;
        if (seen.get(key) !== state) {
          seen.set(key, state);
          options.onStep?.(detail, step);
        }
      }
      if (FINISHED_RUN_STATUSES.includes(detail.run.status)) {
        finished.set(runId, detail);
        options.onFinished?.(detail);
      }
    }
    if (finished.size === options.runIds.length) {
      return options.runIds.map((runId) => finished.get(runId)!);
    }
    if (now() >= deadline) {
      const open = options.runIds.filter((runId) => !finished.has(runId));
      throw new PlatformError('cli.wait_timeout', `Run${open.length === 1 ? '' : 's'} ${open.join(', ')} did not finish in time; they go on in the background (follow them with \`dp runs\`).`, { context: { runIds: open } });
    }
    await sleep(options.pollMs ?? 500);
  }
}
