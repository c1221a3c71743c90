import type { DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { commitCursor, type CommitCursorResult } from './cursor/commitCursor.ts';
import type { RunKind } from './pipeline.ts';
import { finishRun } from './runStore/finishRun.ts';

/**
 * Ends a run as succeeded, in the caller's transaction, and — for a dataset run — makes the cursor its
 * extraction staged the dataset's cursor and marks the files it imported committed (commitCursor). This is
 * the one place a dataset's cursor moves: when its run succeeds, which is after silver committed the run's
 * data (or right after an extract that found nothing new). A run that fails is extracted again from the old
 * cursor, so no change is skipped. Returns what moved (null for a gold run).
 */
export async function succeedRun(tx: DatabaseTransactionConnection, run: { readonly run_id: string; readonly kind: RunKind }, now: Date): Promise<CommitCursorResult | null> {
  await finishRun(tx, run.run_id, { status: 'succeeded' }, now);
  return run.kind === 'dataset' ? commitCursor(tx, run.run_id) : null;
}
