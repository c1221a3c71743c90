import { checkFlags } from '../checkFlags.ts';
import { parseArgs, type Command } from '../command.ts';
import { consoleUrl } from '../consoleUrl.ts';
import { createOrchestratorClient } from '../createOrchestratorClient.ts';
import { formatLogLine } from '../formatLogLine.ts';
import { printUsage } from '../printUsage.ts';
import { readGatewayUrl } from '../readGatewayUrl.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp logs <run> [--step=extract|bronze|silver|gold] [--json] [--gateway=<url>]',
  '',
  '  The log lines every function kept for a run (Postgres, platform.invocation_logs): each step',
  '  invocation\'s, with its chunk and attempt, and the orchestrator\'s; oldest first, UTC.',
  '  Works the same against faasd, whose UI shows no logs. --json prints the orchestrator\'s answer.',
];

const STEPS = ['extract', 'bronze', 'silver', 'gold'];
const RUN_ID = /^[A-Za-z0-9_.-]{1,100}$/;

export const logsCommand: Command = {
  summary: 'show the log lines a run\'s invocations kept (every step, chunk and attempt)',
  usage: USAGE,
  run: withUsage('logs', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('logs', flags, ['step', 'json', 'gateway']);
    const [runId, ...extra] = positional;
    if (runId === undefined || extra.length > 0 || !RUN_ID.test(runId)) {
      io.err(runId === undefined ? 'dp logs: name a run (its id, as `dp runs` lists it)' : `dp logs: \`${[runId, ...extra].join(' ')}\` is not one run id`);
      printUsage(io, USAGE);
      return 2;
    }
    const step = flags.get('step');
    if (step !== undefined && (step === true || !STEPS.includes(step))) {
      io.err(`dp logs: --step must be one of ${STEPS.join(', ')}`);
      return 2;
    }
    const gatewayUrl = readGatewayUrl(flags);
    const reply = await createOrchestratorClient({ gatewayUrl }).getRunLogs(runId, typeof step === 'string' ? step : undefined);
    if (flags.has('json')) {
      io.out(JSON.stringify(reply, null, 2));
      return 0;
    }
    if (reply.lines.length === 0) {
      io.out(`run ${runId} (${reply.status}) kept no log lines${typeof step === 'string' ? ` for its ${step} step` : ''}`);
    }
    for (const line of reply.lines) io.out(formatLogLine(line));
    io.out(`run ${runId}: ${reply.status} — ${consoleUrl(gatewayUrl, runId)}`);
    return 0;
  }),
};
