import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';

export type CommittedCursor = {
  /** Connector-defined JSON; the connector parses it with its own schema. */
  readonly cursor: unknown;
  readonly committedRunId: string | null;
  readonly committedAt: Date;
};

const row = z.object({ cursor: z.unknown(), committed_run_id: z.string().nullable(), committed_at: z.date() });

/** The dataset's committed cursor, or null before its first committed run (or after a reset). */
export async function readCursor(db: CommonQueryMethods, dataset: { readonly source: string; readonly dataset: string }): Promise<CommittedCursor | null> {
  const found = await db.maybeOne(sql.type(row)`
    SELECT cursor, committed_run_id, committed_at FROM platform.dataset_state
    WHERE source = ${dataset.source} AND dataset = ${dataset.dataset}`);
  return found === null ? null : { cursor: found.cursor, committedRunId: found.committed_run_id, committedAt: found.committed_at };
}
