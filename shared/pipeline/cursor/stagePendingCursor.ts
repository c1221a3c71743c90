import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { assertJsonValue } from './assertJsonValue.ts';
import type { DatasetRunRef } from './datasetRunRef.ts';

/**
 * Stages the cursor a run's extraction reached. It becomes the dataset's cursor only when the
 * run succeeds (succeedRun, after silver committed); staging again replaces it.
 */
export async function stagePendingCursor(db: CommonQueryMethods, run: DatasetRunRef, cursor: unknown): Promise<void> {
  assertJsonValue(cursor, `The cursor of run ${run.runId} (${run.source}.${run.dataset})`);
  await db.query(sql.type(z.object({}))`
    INSERT INTO platform.pending_cursors (run_id, source, dataset, cursor)
    VALUES (${run.runId}, ${run.source}, ${run.dataset}, ${sql.jsonb(cursor)})
    ON CONFLICT (run_id) DO UPDATE SET cursor = EXCLUDED.cursor, source = EXCLUDED.source, dataset = EXCLUDED.dataset, staged_at = now()`);
}
