/**
 * The `dp` command line: one module per sub-command under `commands/`, registered below.
 * Errors of the platform print their message and code and exit 1; usage errors exit 2.
 */
import { isPlatformError } from '#platform/errors.ts';
import type { Command, CommandIo } from './command.ts';
import { backupCommand } from './commands/backup.ts';
import { cancelCommand } from './commands/cancel.ts';
import { gatewayCommand } from './commands/gateway.ts';
import { inboxCommand } from './commands/inbox.ts';
import { logsCommand } from './commands/logs.ts';
import { metadataCommand } from './commands/metadata.ts';
import { migrateCommand } from './commands/migrate.ts';
import { replayCommand } from './commands/replay.ts';
import { restoreCommand } from './commands/restore.ts';
import { runCommand } from './commands/run.ts';
import { runsCommand } from './commands/runs.ts';
import { secretsCommand } from './commands/secrets.ts';
import { servicesCommand } from './commands/services.ts';
import { statusCommand } from './commands/status.ts';
import { upCommand } from './commands/up.ts';

const commands: Readonly<Record<string, Command>> = {
  services: servicesCommand,
  migrate: migrateCommand,
  metadata: metadataCommand,
  gateway: gatewayCommand,
  up: upCommand,
  run: runCommand,
  runs: runsCommand,
  logs: logsCommand,
  cancel: cancelCommand,
  status: statusCommand,
  secrets: secretsCommand,
  inbox: inboxCommand,
  backup: backupCommand,
  restore: restoreCommand,
  replay: replayCommand,
};

const defaultIo: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

function help(io: CommandIo): void {
  io.out('usage: dp <command> [arguments]\n');
  for (const [name, command] of Object.entries(commands)) {
    io.out(`  ${name.padEnd(10)} ${command.summary}`);
  }
  io.out('\nRun `dp help <command>` for its arguments.');
}

/** Runs the CLI with `argv` (without node and script) and resolves to the exit code. */
export async function main(argv: readonly string[], io: CommandIo = defaultIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] === undefined ? undefined : commands[rest[0]];
    if (topic !== undefined) {
      io.out(topic.usage.join('\n'));
    } else {
      help(io);
    }
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    io.err(`dp: unknown command \`${name}\`. Commands: ${Object.keys(commands).join(', ')}.`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (isPlatformError(error)) {
      io.err(`dp ${name}: ${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  }
}
