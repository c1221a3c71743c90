import path from 'node:path';

import { getEnv } from '#platform/env.ts';
import { ValidationError } from '#platform/errors.ts';
import { loadMetadata } from '#metadata/loadMetadata.ts';
import { writeDeploymentSecrets } from '#tools/faasd/writeDeploymentSecrets.ts';
import { parseArgs, type Command } from '../command.ts';
import { checkFlags } from '../checkFlags.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp secrets --server=<host> [--dir=<folder>] [--postgres-port=<port>]',
  '',
  'Generates, once, the passwords and connection URLs of a faasd deployment (hex passwords, percent-encoded URLs)',
  'into <folder> (default DP_DATA_DIR/faasd, mode 0700); running it again keeps every value. <host> is how this',
  'machine reaches the server\'s Postgres (for dp migrate). Each metadata webhook_secret gets a random HMAC key.',
  'docs/deployment.md says where each file goes.',
];

export const secretsCommand: Command = {
  summary: 'generate the passwords and connection URLs of a faasd deployment',
  usage: USAGE,
  run: withUsage('secrets', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('secrets', flags, ['server', 'dir', 'postgres-port']);
    const server = flags.get('server');
    if (typeof server !== 'string' || server === '' || positional.length > 0) {
      throw new ValidationError('cli.usage', 'dp secrets needs --server=<host>: the name or address of the faasd server as this machine reaches it.');
    }
    const port = flags.get('postgres-port');
    const postgresPort = typeof port === 'string' ? Number(port) : 5432;
    if (!Number.isInteger(postgresPort) || postgresPort < 1 || postgresPort > 65_535) {
      throw new ValidationError('cli.usage', `--postgres-port=${String(port)} is not a TCP port.`);
    }
    const env = getEnv();
    const dir = typeof flags.get('dir') === 'string' ? path.resolve(flags.get('dir') as string) : path.join(env.dataDir, 'faasd');
    const metadata = await loadMetadata(env.metadataDir);
    const webhookSecrets = [...new Set(metadata.sources.flatMap((source) => (source.webhook_secret === undefined ? [] : [source.webhook_secret])))];
    const { files } = await writeDeploymentSecrets({ dir, server, serverPostgresPort: postgresPort, webhookSecrets });
    for (const { file, written } of files) {
      io.out(`${written ? 'wrote' : 'kept '} ${path.join(dir, file)}`);
    }
    return 0;
  }),
};
