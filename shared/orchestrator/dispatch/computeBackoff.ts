export type BackoffOptions = {
  /** Delay before the second attempt, in milliseconds. Default: 30000. */
  readonly baseMs?: number;
  /** Longest delay, in milliseconds. Default: 900000 (15 minutes). */
  readonly maxMs?: number;
  /** Delay the failing dependency asked for (Retry-After), in milliseconds; used when longer. */
  readonly retryAfterMs?: number;
};

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed: base · 2^(attempt−1), capped,
 * and never shorter than what the dependency asked for. Deterministic, so runs are reproducible.
 */
export function computeBackoff(attempt: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 30_000;
  const max = options.maxMs ?? 900_000;
  const exponential = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.max(exponential, Math.min(max, options.retryAfterMs ?? 0));
}
