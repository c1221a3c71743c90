import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { getEnv } from '#platform/env.ts';
import { NotFoundError, ValidationError } from '#platform/errors.ts';
import { objectLocation } from '#platform/raw/objectStore.ts';
import { loadMetadata } from '#metadata/loadMetadata.ts';
import { openFilesStores } from '#connectors/files/filesStores.ts';
import { putInboxFiles } from '#tools/inbox/putInboxFiles.ts';
import { parseArgs, type Command } from '../command.ts';
import { checkFlags } from '../checkFlags.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp inbox put <source>[.<dataset>] <file…>',
  '',
  'Uploads export files into a files source\'s inbox: DP_INBOX_URL, a local folder by default, or the S3 bucket',
  'the functions read on faasd (DP_INBOX_URL=s3://dataplatform-raw/inbox with DP_S3_ENDPOINT and the DP_S3_* key pair).',
  'Without a dataset each file goes to the one dataset whose pattern takes its name (metadata in DP_METADATA_DIR).',
];

export const inboxCommand: Command = {
  summary: 'put export files into a files source\'s inbox (local folder or S3)',
  usage: USAGE,
  run: withUsage('inbox', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('inbox', flags, []);
    const [verb, target, ...files] = positional;
    if (verb !== 'put' || target === undefined || files.length === 0) {
      throw new ValidationError('cli.usage', 'dp inbox put needs a source (or source.dataset) and at least one file.');
    }
    const [sourceName, datasetName, ...extra] = target.split('.');
    if (extra.length > 0) throw new ValidationError('cli.usage', `${target} is not <source> or <source>.<dataset>.`);
    const env = getEnv();
    const metadata = await loadMetadata(env.metadataDir);
    const source = metadata.sources.find((candidate) => candidate.source === sourceName);
    if (source === undefined) {
      throw new NotFoundError('inbox.unknown_source', `There is no source \`${sourceName}\` in ${env.metadataDir}; sources: ${metadata.sources.map((candidate) => candidate.source).join(', ')}.`);
    }
    const read = await Promise.all(
      files.map(async (file) => ({
        name: path.basename(file),
        bytes: await readFile(file).catch((error: NodeJS.ErrnoException) => {
          throw new NotFoundError('inbox.file_unreadable', `${file} cannot be read (${error.code ?? error.message}); nothing was uploaded.`);
        }),
      })),
    );
    const { inbox } = openFilesStores(env);
    const keys = await putInboxFiles(inbox, source, datasetName, read);
    keys.forEach((key, index) => io.out(`put ${objectLocation(inbox, key)} (${read[index]!.bytes.length} bytes)`));
    return 0;
  }),
};
