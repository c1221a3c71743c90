import { checkFlags } from '../checkFlags.ts';
import { parseArgs, type Command } from '../command.ts';
import { consoleUrl } from '../consoleUrl.ts';
import { createOrchestratorClient } from '../createOrchestratorClient.ts';
import { runDuration, runTarget } from '../describeRun.ts';
import { formatTable } from '../formatTable.ts';
import { printUsage } from '../printUsage.ts';
import { readCountFlag } from '../readCountFlag.ts';
import { readGatewayUrl } from '../readGatewayUrl.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp runs [--limit=20] [--source=<name>] [--status=<status>] [--json] [--gateway=<url>]',
  '',
  '  The latest runs, newest first: what started them, their status and how long they took.',
  '  --status is one of pending, running, succeeded, failed, skipped. --json prints the orchestrator\'s answer.',
];

const STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'];

export const runsCommand: Command = {
  summary: 'list the latest runs (trigger, status, duration, error)',
  usage: USAGE,
  run: withUsage('runs', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('runs', flags, ['limit', 'source', 'status', 'json', 'gateway']);
    if (positional.length > 0) {
      io.err(`dp runs: unexpected argument \`${positional[0]}\``);
      printUsage(io, USAGE);
      return 2;
    }
    const status = flags.get('status');
    if (status !== undefined && (status === true || !STATUSES.includes(status))) {
      io.err(`dp runs: --status must be one of ${STATUSES.join(', ')}`);
      return 2;
    }
    const source = flags.get('source');
    const gatewayUrl = readGatewayUrl(flags);
    const client = createOrchestratorClient({ gatewayUrl });
    const runs = await client.listRuns({
      limit: readCountFlag(flags.get('limit'), 'limit', 1, 20) ?? 20,
      ...(typeof source === 'string' ? { source } : {}),
      ...(typeof status === 'string' ? { status } : {}),
    });
    if (flags.has('json')) {
      io.out(JSON.stringify({ runs }, null, 2));
      return 0;
    }
    if (runs.length === 0) {
      io.out('no runs yet: start one with `dp run <source>`');
      return 0;
    }
    const now = Date.now();
    const rows = runs.map((run) => [
      run.run_id,
      runTarget(run),
      run.trigger ?? '-',
      run.status,
      run.created_at?.replace(/\.\d+Z$/, 'Z') ?? '-',
      runDuration(run, now),
      run.status === 'skipped' && run.skipped_for ? `active run ${run.skipped_for}` : run.error ? `${run.error.code}: ${run.error.message}` : '',
    ]);
    for (const line of formatTable(['RUN', 'DATASET', 'TRIGGER', 'STATUS', 'CREATED', 'DURATION', 'NOTE'], rows)) io.out(line);
    const newest = runs[0]!;
    io.out(`in the console: ${consoleUrl(gatewayUrl, newest.run_id)} (the newest; any run at …/runs/<RUN>), its log lines: dp logs <RUN>`);
    return 0;
  }),
};
