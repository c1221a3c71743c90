import { ValidationError } from '#platform/errors.ts';

/** Throws a usage error (`cli.usage`) naming the first flag not in `allowed`. */
export function checkFlags(command: string, flags: ReadonlyMap<string, string | true>, allowed: readonly string[]): void {
  for (const flag of flags.keys()) {
    if (!allowed.includes(flag)) {
      throw new ValidationError('cli.usage', `dp ${command} has no option --${flag}; options: ${allowed.map((name) => `--${name}`).join(', ')} (see \`dp help ${command}\`).`);
    }
  }
}
