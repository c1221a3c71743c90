/** Times consecutive parts of a job: each call returns the milliseconds since the previous call (or since creation). */
export function createStopwatch(now: () => number = Date.now): () => number {
  let mark = now();
  return () => {
    const at = now();
    const ms = at - mark;
    mark = at;
    return ms;
  };
}
