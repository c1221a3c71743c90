import { checkFlags } from '../checkFlags.ts';
import { parseArgs, type Command } from '../command.ts';
import { createOrchestratorClient } from '../createOrchestratorClient.ts';
import { printUsage } from '../printUsage.ts';
import { readGatewayUrl } from '../readGatewayUrl.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp cancel <run id> [--json] [--gateway=<url>]',
  '',
  '  Stops an active run: it ends failed with run.cancelled and its dataset is free at once. Chunks of it',
  '  still queued do no work; a chunk at work finishes, but nothing of it is merged or moves the cursor.',
];

export const cancelCommand: Command = {
  summary: 'stop an active run (POST /runs/<id>/cancel)',
  usage: USAGE,
  run: withUsage('cancel', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('cancel', flags, ['json', 'gateway']);
    const [runId, ...extra] = positional;
    if (runId === undefined || extra.length > 0) {
      io.err(runId === undefined ? 'dp cancel: name the run to cancel (`dp runs` lists them)' : `dp cancel: one run id, not \`${positional.join(' ')}\``);
      printUsage(io, USAGE);
      return 2;
    }
    const client = createOrchestratorClient({ gatewayUrl: readGatewayUrl(flags) });
    const reply = await client.cancelRun(runId);
    io.out(flags.has('json') ? JSON.stringify(reply, null, 2) : `${reply.source}.${reply.dataset}: run ${reply.run_id} cancelled`);
    return 0;
  }),
};
