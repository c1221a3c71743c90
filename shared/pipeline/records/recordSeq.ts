/** A run's records are ordered by `part * MAX_RECORDS_PER_PART + index`, so a raw part may hold at most this many. */
export const MAX_RECORDS_PER_PART = 1_000_000;

/** The position of a record in its run: of two records of one key, the later one wins. */
export function recordSeq(part: number, index: number): number {
  return part * MAX_RECORDS_PER_PART + index;
}
