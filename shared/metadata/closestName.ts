/** "Did you mean …?" suggestions for unknown keys, types and references. */

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Lower case without separators, so `recordsPath`, `records-path` and `RECORDS_PATH` all meet `records_path`. */
const fold = (text: string): string => text.toLowerCase().replace(/[\s_\-.]/g, '');

/**
 * The candidate closest to `input`, or undefined when none is close enough to be a plausible typo
 * (at most a third of the longer name edited, and never more than 3 edits).
 */
export function closestName(input: string, candidates: Iterable<string>): string | undefined {
  const folded = fold(input);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = Math.min(editDistance(input, candidate), editDistance(folded, fold(candidate)));
    if (best === undefined || distance < best.distance) {
      best = { name: candidate, distance };
    }
  }
  if (best === undefined || best.name === input) {
    return undefined;
  }
  // Short names (`3` against `1`) are too easily "close": only an exact match after folding counts there.
  const limit = Math.min(3, Math.floor(Math.max(input.length, best.name.length) / 3));
  return best.distance <= limit ? best.name : undefined;
}
