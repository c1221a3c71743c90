/**
 * A request budget per token: at most `limit` requests in any sliding window of `windowMs`
 * (YNAB: 200 per hour). Its state is the list of recent request times, which a connector keeps
 * in its checkpoint so a continuation in a new invocation respects the same budget.
 */
export type RequestBudget = {
  readonly limit: number;
  readonly windowMs: number;
  /** Records a request at `now` and returns 0 when a slot is free; otherwise records nothing and returns the ms until one frees up. */
  readonly take: (now: number) => number;
  /** Request times (ms epoch) still inside the window at `now`, oldest first: the state to carry in a checkpoint. */
  readonly snapshot: (now: number) => number[];
};

export type CreateRequestBudgetOptions = {
  /** Requests allowed per window. */
  readonly limit: number;
  /** Window length in ms. Default: 3600000 (one hour). */
  readonly windowMs?: number;
  /** Request times already spent (from a checkpoint), ms epoch. Default: none. */
  readonly spent?: readonly number[];
};

/** Creates a sliding-window request budget. */
export function createRequestBudget(options: CreateRequestBudgetOptions): RequestBudget {
  const windowMs = options.windowMs ?? 3_600_000;
  const limit = options.limit;
  let times = [...(options.spent ?? [])].sort((a, b) => a - b);
  const prune = (now: number): void => {
    times = times.filter((time) => time > now - windowMs);
  };
  return {
    limit,
    windowMs,
    take: (now) => {
      prune(now);
      if (times.length < limit) {
        times.push(now);
        return 0;
      }
      const oldest = times[times.length - limit] ?? now;
      return Math.max(1, oldest + windowMs - now);
    },
    snapshot: (now) => {
      prune(now);
      return [...times];
    },
  };
}
