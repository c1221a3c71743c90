import { createCopyIn } from '#platform/db/createCopyIn.ts';
import { getEnv } from '#platform/env.ts';
import { withMongo } from '#platform/mongo/createMongoClient.ts';
import { openRawStore } from '#platform/function/openRawStore.ts';
import { dropOldReplays } from '#lifecycle/replay/dropOldReplays.ts';
import { replayDataset } from '#lifecycle/replay/replayDataset.ts';
import { checkFlags } from '../checkFlags.ts';
import { parseArgs, type Command } from '../command.ts';
import { createOperatorPool } from '../createOperatorPool.ts';
import { printUsage } from '../printUsage.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp replay <source>.<dataset> [--from=<run>] [--drop-old] [--json]',
  'dp replay <source>.<dataset> --only-drop-old',
  '',
  '  Rebuilds the dataset\'s bronze and silver from its raw files under the metadata in force: every run',
  '  silver merged is merged again, in order, at its original boundary, into new tables that replace the',
  '  current ones at the end (those are kept in silver_old until --drop-old); gold models reading the',
  '  dataset are rebuilt. --from keeps silver\'s history before that run as it is (when older raw files',
  '  are gone). --only-drop-old drops what earlier replays kept, without replaying. See docs/operations.md.',
];

export const replayCommand: Command = {
  summary: 'rebuild a dataset\'s bronze and silver from its raw files under the current metadata',
  usage: USAGE,
  run: withUsage('replay', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('replay', flags, ['from', 'drop-old', 'only-drop-old', 'json']);
    const target = positional[0];
    const match = target === undefined ? null : /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)$/.exec(target);
    if (match === null || positional.length > 1) {
      io.err(positional.length > 1 ? `dp replay: unexpected argument \`${positional[1]}\`` : `dp replay: name one dataset as <source>.<dataset>${target === undefined ? '' : `, not \`${target}\``}`);
      printUsage(io, USAGE);
      return 2;
    }
    const from = flags.get('from');
    if (from === true || (from !== undefined && flags.has('only-drop-old'))) {
      io.err(from === true ? 'dp replay: --from needs a run id (`dp runs --source=<source>` lists them)' : 'dp replay: --only-drop-old replays nothing; leave out --from');
      printUsage(io, USAGE);
      return 2;
    }
    const [, source = '', dataset = ''] = match;
    const env = getEnv();
    const pool = await createOperatorPool(env.databaseUrl);
    try {
      return await withMongo(
        async (bronze) => {
          if (flags.has('only-drop-old')) {
            const dropped = await dropOldReplays(pool, bronze, source, dataset);
            io.out(flags.has('json') ? JSON.stringify({ dropped }, null, 2) : dropped.length === 0 ? `${source}.${dataset}: no replay kept anything` : `dropped ${dropped.join(', ')}`);
            return 0;
          }
          const result = await replayDataset({
            pool,
            copyIn: createCopyIn(env.databaseUrl),
            bronze,
            rawStore: openRawStore(env),
            source,
            dataset,
            ...(from === undefined ? {} : { from }),
            dropOld: flags.has('drop-old'),
            progress: (event) => io.err(`${event.phase.padEnd(7)} ${event.message}`),
          });
          if (flags.has('json')) {
            io.out(JSON.stringify(result, null, 2));
          } else {
            io.out(`${source}.${dataset}: silver.${result.table} rebuilt from ${result.runs.length} run(s)${result.keptVersions > 0 ? ` on ${result.keptVersions} version(s) kept from before ${result.from}` : ''}; ${result.models.length} gold model(s) rebuilt`);
            if (result.oldTable !== null && result.dropped.length === 0) io.out(`the previous table is kept as silver_old.${result.oldTable}; drop it with \`dp replay ${source}.${dataset} --only-drop-old\``);
          }
          return 0;
        },
        { url: env.mongodbUrl },
      );
    } finally {
      await pool.end();
    }
  }),
};
