import { z } from 'zod';

import { sql, type DatabaseTransactionConnection } from '#platform/db/sql.ts';

export type CommitCursorResult = {
  /** Whether the run had a staged cursor that is now the dataset's cursor. */
  readonly cursorCommitted: boolean;
  /** Imported files of the run now marked committed (the files connector's ledger). */
  readonly filesCommitted: number;
};

/**
 * Makes a run's staged cursor the dataset's committed cursor and marks the files it imported as
 * committed. Called by succeedRun only, in the transaction that ends the run as succeeded.
 * Committing twice is a no-op.
 */
export async function commitCursor(tx: DatabaseTransactionConnection, runId: string): Promise<CommitCursorResult> {
  const moved = await tx.maybeOne(sql.type(z.object({ source: z.string() }))`
    WITH pending AS (
      DELETE FROM platform.pending_cursors WHERE run_id = ${runId} RETURNING source, dataset, cursor
    )
    INSERT INTO platform.dataset_state (source, dataset, cursor, committed_run_id, committed_at)
    SELECT source, dataset, cursor, ${runId}, now() FROM pending
    ON CONFLICT (source, dataset) DO UPDATE
      SET cursor = EXCLUDED.cursor, committed_run_id = EXCLUDED.committed_run_id, committed_at = EXCLUDED.committed_at
    RETURNING source`);
  const files = await tx.query(sql.type(z.object({ sha256: z.string() }))`
    UPDATE platform.imported_files SET committed_at = now()
    WHERE run_id = ${runId} AND committed_at IS NULL
    RETURNING sha256`);
  return { cursorCommitted: moved !== null, filesCommitted: files.rowCount };
}
