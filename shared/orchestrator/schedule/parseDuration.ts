/**
 * Parses a Go duration as the OpenFaaS components read them (`60s`, `1m30s`, `500ms`, `2h`);
 * returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    // The watchdog reads a bare number as seconds.
    return Number(trimmed) * 1000;
  }
  const units: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  const part = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/y;
  let total = 0;
  let index = 0;
  while (index < trimmed.length) {
    part.lastIndex = index;
    const match = part.exec(trimmed);
    if (match === null) {
      return undefined;
    }
    total += Number(match[1]) * units[match[2]!]!;
    index = part.lastIndex;
  }
  return index === 0 ? undefined : total;
}
