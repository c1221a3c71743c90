import type { CommandIo } from './command.ts';

/** Prints a command's usage lines on the error stream, the first one after `usage: `. */
export function printUsage(io: CommandIo, usage: readonly string[]): void {
  io.err(`usage: ${usage.join('\n')}`);
}
