/** Time as a dependency: connectors and the HTTP client read the time and wait through this, so tests can pass a clock that never really waits. */
export type Clock = {
  /** Current time, ms since the epoch. */
  readonly now: () => number;
  /** Resolves after `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
};

/** The real clock: Date.now and setTimeout. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
