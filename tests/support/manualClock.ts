/**
 * A clock for tests: `sleep` returns at once and moves time forward, so waits (Retry-After,
 * backoff, request budgets) are exercised without waiting and without timed assertions.
 */
import type { Clock } from '#platform/http/clock.ts';

export type ManualClock = Clock & {
  /** Every sleep asked for, in ms, in order. */
  readonly sleeps: number[];
  /** Moves time forward by `ms`. */
  readonly advance: (ms: number) => void;
};

/** A clock starting at `start` (ms epoch) whose sleeps advance it instantly. */
export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let current = start;
  const sleeps: number[] = [];
  return {
    now: () => current,
    sleep: async (ms) => {
      sleeps.push(ms);
      current += ms;
    },
    sleeps,
    advance: (ms) => {
      current += ms;
    },
  };
}
