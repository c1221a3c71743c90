/**
 * Go's `time.ParseDuration`, rule for rule: an optional sign, then one or more decimal numbers each with
 * a unit (`ns`, `us`, `µs`, `μs`, `ms`, `s`, `m`, `h`), such as `90s`, `1h30m`, `1.5h` or `-2m`; `0` alone
 * needs no unit. The OpenFaaS components (cron-connector `@every`, watchdog timeouts) read durations this
 * way, so the platform accepts exactly what they accept.
 */

const NANOSECONDS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek small letter mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const LIMIT = 1n << 63n;

const isDigit = (char: string | undefined): boolean => char !== undefined && char >= '0' && char <= '9';

/** Returns the duration in nanoseconds, or undefined where Go answers an error (malformed, unknown unit, overflow). */
export function parseGoDuration(text: string): bigint | undefined {
  let rest = text;
  let negative = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    negative = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  while (rest !== '') {
    if (!(rest[0] === '.' || isDigit(rest[0]))) return undefined;
    let index = 0;
    let whole = 0n;
    while (isDigit(rest[index])) {
      whole = whole * 10n + BigInt(rest[index]!);
      if (whole > LIMIT) return undefined;
      index += 1;
    }
    const hasWhole = index > 0;
    let fraction = 0n;
    let scale = 1;
    let hasFraction = false;
    if (rest[index] === '.') {
      index += 1;
      let overflow = false;
      const start = index;
      while (isDigit(rest[index])) {
        // Like Go, digits past what an int64 holds are read but ignored.
        const next = fraction * 10n + BigInt(rest[index]!);
        if (overflow || next > LIMIT) {
          overflow = true;
        } else {
          fraction = next;
          scale *= 10;
        }
        index += 1;
      }
      hasFraction = index > start;
    }
    if (!hasWhole && !hasFraction) return undefined;
    const unitStart = index;
    while (index < rest.length && rest[index] !== '.' && !isDigit(rest[index])) index += 1;
    const unit = NANOSECONDS[rest.slice(unitStart, index)];
    if (unit === undefined) return undefined;
    if (whole > LIMIT / unit) return undefined;
    let value = whole * unit;
    if (fraction > 0n) {
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > LIMIT) return undefined;
    }
    total += value;
    if (total > LIMIT) return undefined;
    rest = rest.slice(index);
  }
  if (negative) return -total;
  return total > LIMIT - 1n ? undefined : total;
}
