import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { DatasetRunRef } from '#pipeline/cursor/datasetRunRef.ts';

export type ImportedFileRow = {
  readonly sha256: string;
  readonly fileName: string;
  readonly bytes: number;
  readonly records: number;
  readonly rejected: number;
  readonly archivedAs: string;
};

/** Records that a run imported a file (pending until the run succeeds: succeedRun); recording it again is a no-op. */
export async function recordImportedFile(db: CommonQueryMethods, run: DatasetRunRef, file: ImportedFileRow): Promise<void> {
  await db.query(sql.type(z.object({}))`
    INSERT INTO platform.imported_files (source, dataset, sha256, run_id, file_name, bytes, records, rejected, archived_as)
    VALUES (${run.source}, ${run.dataset}, ${file.sha256}, ${run.runId}, ${file.fileName}, ${file.bytes}, ${file.records}, ${file.rejected}, ${file.archivedAs})
    ON CONFLICT (source, dataset, sha256, run_id) DO NOTHING`);
}
