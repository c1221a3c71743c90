/** "Did you mean …?" suggestions for unknown keys, types and references. */

/** Edit distance counting a swap of two neighbouring letters as one edit (`rset` → `rest`). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (rows[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
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
