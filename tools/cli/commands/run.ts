import { NAME_PATTERN } from '#metadata/schema.ts';
import { checkFlags } from '../checkFlags.ts';
import { parseArgs, type Command } from '../command.ts';
import { consoleUrl } from '../consoleUrl.ts';
import { createOrchestratorClient } from '../createOrchestratorClient.ts';
import { runDuration, runTarget } from '../describeRun.ts';
import { describeStep } from '../describeStep.ts';
import { printUsage } from '../printUsage.ts';
import { readCountFlag } from '../readCountFlag.ts';
import { readGatewayUrl } from '../readGatewayUrl.ts';
import { runsToFollow } from '../runsToFollow.ts';
import { waitForRuns } from '../waitForRuns.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp run <source>[.<dataset>] [--full] [--accept-deletes] [--wait] [--timeout=600] [--json] [--gateway=<url>]',
  '',
  '  Asks the orchestrator to run every dataset of <source> (or one dataset) through',
  '  extract → bronze → silver; gold models that depend on a changed dataset follow on their own.',
  '  `dp run gold.<model>` rebuilds one gold model by hand, `dp run gold` every model.',
  '  --full     ignore the stored cursor and extract everything (delta datasets)',
  '  --accept-deletes  confirm that this full snapshot may delete more rows than the dataset\'s',
  '             max_delete_share, or all of them (a refused snapshot says when this is needed)',
  '  --wait     follow the runs step by step until they finish; exit 1 when one failed',
  '  --timeout  seconds --wait waits at most (default 600)',
  '  A dataset that is already running is recorded as skipped, and --wait follows the active run.',
];

export type RunCommandOptions = {
  /** Milliseconds between polls with --wait. Default 500. */
  readonly pollMs?: number;
};

/** Builds `dp run`; tests pass a shorter poll interval. */
export function createRunCommand(options: RunCommandOptions = {}): Command {
  return {
    summary: 'start runs of a source or dataset (optionally wait and follow them)',
    usage: USAGE,
    run: withUsage('run', USAGE, async (args, io) => {
      const { positional, flags } = parseArgs(args);
      checkFlags('run', flags, ['full', 'accept-deletes', 'wait', 'timeout', 'json', 'gateway']);
      const [target, ...extra] = positional;
      const [source, dataset, ...rest] = (target ?? '').split('.');
      if (target === undefined || extra.length > 0 || rest.length > 0 || !NAME_PATTERN.test(source ?? '') || (dataset !== undefined && !NAME_PATTERN.test(dataset))) {
        io.err(target === undefined ? 'dp run: name a source (or source.dataset) to run' : `dp run: \`${[target, ...extra].join(' ')}\` is not <source> or <source>.<dataset> (lower-case names)`);
        printUsage(io, USAGE);
        return 2;
      }
      const timeoutSeconds = readCountFlag(flags.get('timeout'), 'timeout', 1, 600) ?? 600;
      const json = flags.has('json');
      const gatewayUrl = readGatewayUrl(flags);
      const client = createOrchestratorClient({ gatewayUrl });
      const reply = await client.startRuns({ source: source!, ...(dataset === undefined ? {} : { dataset }), full: flags.has('full'), acceptDeletes: flags.has('accept-deletes') });
      const wait = flags.has('wait');
      if (json && !wait) {
        io.out(JSON.stringify(reply, null, 2));
        return 0;
      }
      if (!json) {
        for (const run of reply.runs) io.out(`${runTarget(run)}: started run ${run.run_id}`);
        for (const run of reply.skipped) io.out(`${runTarget(run)}: run ${run.skipped_for ?? '?'} is still active; this trigger is recorded as skipped (${run.run_id})${wait ? ', following the active run' : ''}`);
        if (reply.runs.length + reply.skipped.length === 0) io.out(`${target}: nothing to run`);
      }
      if (!wait) {
        for (const run of reply.runs) io.out(`${runTarget(run)}: ${consoleUrl(gatewayUrl, run.run_id)}`);
        if (reply.runs.length > 0) io.out('follow with `dp runs` or in the console, or start with --wait next time');
        return 0;
      }
      const followed = runsToFollow(reply);
      const now = Date.now;
      const finished = await waitForRuns({
        client,
        runIds: followed,
        pollMs: options.pollMs,
        timeoutMs: timeoutSeconds * 1000,
        onStep: (detail, step) => {
          if (!json) io.out(`  ${runTarget(detail.run).padEnd(24)} ${describeStep(step)}`);
        },
        onFinished: (detail) => {
          if (json) return;
          const { run } = detail;
          io.out(run.status === 'failed'
            ? `${runTarget(run)}: FAILED after ${runDuration(run, now())}${run.error ? ` — ${run.error.message} [${run.error.code}]` : ''}`
            : `${runTarget(run)}: ${run.status} in ${runDuration(run, now())}`);
          io.out(`  ${consoleUrl(gatewayUrl, run.run_id)}${run.status === 'failed' ? ` · dp logs ${run.run_id}` : ''}`);
        },
      });
      if (json) io.out(JSON.stringify({ runs: finished }, null, 2));
      return finished.some((detail) => detail.run.status === 'failed') ? 1 : 0;
    }),
  };
}

export const runCommand: Command = createRunCommand();
