/** What every `dp` sub-command module exports. */
export type CommandIo = {
  /** Human-readable output (or JSON with `--json`). */
  readonly out: (text: string) => void;
  /** Progress and errors. */
  readonly err: (text: string) => void;
};

export type Command = {
  /** One line for `dp help`. */
  readonly summary: string;
  /** Usage lines shown by `dp help <command>` and on a usage error. */
  readonly usage: readonly string[];
  /** Runs with the arguments after the command name; resolves to the exit code. */
  readonly run: (args: readonly string[], io: CommandIo) => Promise<number>;
};

/** Splits `--flag`, `--key=value` and positional arguments. */
export function parseArgs(args: readonly string[]): { positional: string[]; flags: Map<string, string | true> } {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (const arg of args) {
    if (arg.startsWith('--')) {
      const [key, ...rest] = arg.slice(2).split('=');
      flags.set(key ?? '', rest.length > 0 ? rest.join('=') : true);
    } else {
      positional.push(arg);
    }
  }
  return { positional, flags };
}
