import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { DatasetRunRef } from '#pipeline/cursor/datasetRunRef.ts';

export type ImportedFile = { readonly runId: string; readonly fileName: string; readonly committedAt: Date | null };

const row = z.object({ run_id: z.string(), file_name: z.string(), committed_at: z.date().nullable() });

/**
 * The import of this content that counts: a committed one (any run), or one made earlier in the same run by another
 * file; null when the content is new. The run's own row for `fileName` is not an earlier import: it is this file's,
 * recorded by an attempt that failed after it (a run's files have distinct names).
 */
export async function findImportedFile(db: CommonQueryMethods, run: DatasetRunRef, sha256: string, fileName: string): Promise<ImportedFile | null> {
  const found = await db.maybeOne(sql.type(row)`
    SELECT run_id, file_name, committed_at FROM platform.imported_files
    WHERE source = ${run.source} AND dataset = ${run.dataset} AND sha256 = ${sha256}
      AND (committed_at IS NOT NULL OR (run_id = ${run.runId} AND file_name <> ${fileName}))
    ORDER BY committed_at NULLS LAST
    LIMIT 1`);
  return found === null ? null : { runId: found.run_id, fileName: found.file_name, committedAt: found.committed_at };
}
