import { ValidationError } from '#platform/errors.ts';

/** A whole-number flag of at least `min` (`--limit=20`), or undefined when absent; a usage error otherwise. */
export function readCountFlag(value: string | true | undefined, flag: string, min: number, example: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value === true || !Number.isInteger(number) || number < min) {
    throw new ValidationError('cli.usage', `--${flag} needs a whole number of at least ${min} (for example --${flag}=${example}).`);
  }
  return number;
}
