import type { DatabasePool } from '#platform/db/sql.ts';

/** What every console page works with: passed in, so tests hand in a real database and a fixed clock. */
export type ConsoleContext = {
  readonly pool: DatabasePool;
  /** Path prefix of every console link, without a trailing slash (`/function/console`). */
  readonly base: string;
  /** Current time in epoch milliseconds. */
  readonly now: () => number;
  /** Reads the function schedules (stack.yml cron annotations) from the gateway, for the triggers page. */
  readonly functionSchedules: () => Promise<FunctionSchedules>;
};

/** The functions' cron annotations as the gateway lists them, or why they could not be read. */
export type FunctionSchedules =
  | { readonly ok: true; readonly functions: readonly { readonly name: string; readonly schedule: string }[] }
  | { readonly ok: false; readonly reason: string };
