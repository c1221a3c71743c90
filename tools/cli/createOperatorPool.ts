import { createPool } from '#platform/db/createPool.ts';
import type { DatabasePool } from '#platform/db/sql.ts';

/** Operator commands (backup, restore, replay) run statements far longer than a function's 60 s: six hours. */
const OPERATOR_STATEMENT_MS = 6 * 3_600_000;

/** A small pool for an operator command on `url`, with the long statement limit. */
export function createOperatorPool(url: string): Promise<DatabasePool> {
  return createPool({ url, maximumPoolSize: 2, statementTimeoutMs: OPERATOR_STATEMENT_MS });
}
