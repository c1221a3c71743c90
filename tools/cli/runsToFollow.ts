import type { StartRunsReply } from './orchestratorReplies.ts';

/** The runs a start request leads to: the ones it started, and for each skipped trigger the run that was already active. */
export function runsToFollow(reply: StartRunsReply): string[] {
  return [...new Set([...reply.runs.map((run) => run.run_id), ...reply.skipped.flatMap((run) => (run.skipped_for === undefined ? [] : [run.skipped_for]))])];
}
