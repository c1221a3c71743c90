import { isPlatformError } from '#platform/errors.ts';
import type { Command, CommandIo } from './command.ts';
import { printUsage } from './printUsage.ts';

/** Wraps a command's run so a usage error (`cli.usage`) prints the message and the usage and exits 2. */
export function withUsage(name: string, usage: readonly string[], run: Command['run']): Command['run'] {
  return async (args: readonly string[], io: CommandIo) => {
    try {
      return await run(args, io);
    } catch (error) {
      if (isPlatformError(error) && error.code === 'cli.usage') {
        io.err(`dp ${name}: ${error.message}`);
        printUsage(io, usage);
        return 2;
      }
      throw error;
    }
  };
}
