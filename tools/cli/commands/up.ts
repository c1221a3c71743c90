import { getEnv } from '#platform/env.ts';
import { checkFlags } from '../checkFlags.ts';
import { parseArgs, type Command } from '../command.ts';
import { runDemo } from '#tools/demo/runDemo.ts';
import { printUsage } from '../printUsage.ts';
import { readCountFlag } from '../readCountFlag.ts';
import { startPlatform } from '../startPlatform.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp up [--port=8080] [--no-schedules] [--keep-services] [--verbose] [--demo [--exit]]',
  '',
  '  Brings the local platform up in the foreground: Postgres and FerretDB (found or started),',
  '  migrations, the metadata folder synced into the catalog, then the local gateway serving',
  '  stack.yml with its schedules, and prints the console\'s address. The gateway and every',
  '  function log to .data/logs/<name>.log; --verbose streams those lines here instead. Ctrl-C',
  '  stops the gateway and its functions, and the database servers this command started',
  '  (--keep-services leaves them running).',
  '  --demo    then load the bank demo (metadata/samples/bank, two snapshots) through every layer',
  '            and print what landed; --exit (or DP_DEMO_EXIT=1) exits after the summary.',
];

/** Resolves on the first SIGINT or SIGTERM. */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

export const upCommand: Command = {
  summary: 'bring the local platform up: services, migrations, metadata, gateway and schedules',
  usage: USAGE,
  run: withUsage('up', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('up', flags, ['port', 'no-schedules', 'keep-services', 'verbose', 'demo', 'exit']);
    if (positional.length > 0) {
      io.err(`dp up: unexpected argument \`${positional[0]}\``);
      printUsage(io, USAGE);
      return 2;
    }
    const env = getEnv();
    const demo = flags.has('demo');
    const exitAfterDemo = demo && (flags.has('exit') || env.demoExit);
    if (flags.has('exit') && !demo) {
      io.err('dp up: --exit only goes with --demo (without it the platform stays up until Ctrl-C)');
      return 2;
    }
    const port = readCountFlag(flags.get('port'), 'port', 0, 8080);
    const stopping = untilStopped();
    const verbose = flags.has('verbose');
    const platform = await startPlatform({ env, io, ...(port === undefined ? {} : { port }), schedules: !flags.has('no-schedules'), stopStartedServices: !flags.has('keep-services'), verbose });
    const consoleLine = `console    ${platform.console.url} — runs, steps, logs, history, lineage (user ${platform.console.user}, password: ${platform.console.passwordFrom})`;
    let code = 0;
    let quietStop = false;
    try {
      if (demo) {
        const outcome = await Promise.race([runDemo({ gatewayUrl: platform.gateway.url, env, io, logDir: platform.logDir }).then((ok) => (ok ? 0 : 1)), stopping.then(() => 130)]);
        code = outcome;
        if (exitAfterDemo && outcome !== 130) {
          io.out(consoleLine);
          quietStop = !verbose;
          return code;
        }
        if (outcome === 130) return code;
      }
      const gatewayFlag = platform.gateway.url === env.gatewayUrl ? '' : ` --gateway=${platform.gateway.url}`;
      io.out(consoleLine);
      io.out(`ready: ${platform.gateway.url} — try \`dp run bank --wait${gatewayFlag}\`, \`dp runs${gatewayFlag}\`, \`dp status${gatewayFlag}\` in another terminal; Ctrl-C stops`);
      await stopping;
      return code;
    } finally {
      // after `--demo --exit` the last line stays the console's address
      if (!quietStop) io.err('stopping the gateway, its functions and the services this command started');
      await platform.stop();
      if (!quietStop) io.err('stopped');
    }
  }),
};
