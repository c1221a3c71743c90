import type { DatabasePool } from '#platform/db/sql.ts';
import { finishBackup, type BackupRow } from './backupRecords.ts';
import { createBackup, type BackupResult, type CreateBackupOptions } from './createBackup.ts';

/** Runs a backup whose row is already `running` (claimed by the agent, or started by `dp backup`) and records how it ended. */
export async function runRecordedBackup(pool: DatabasePool, row: BackupRow, options: CreateBackupOptions): Promise<BackupResult> {
  try {
    const result = await createBackup(options);
    await finishBackup(pool, {
      backupId: row.backup_id,
      status: 'succeeded',
      archiveId: result.id,
      location: options.target.location,
      storedBytes: result.manifest.stored_bytes,
      detail: {
        raw_files: result.manifest.raw.objects.length,
        new_raw_files: result.manifest.raw.new_objects,
        postgres_rows: result.manifest.postgres.tables.reduce((sum, table) => sum + table.rows, 0),
        bronze_documents: result.manifest.bronze.collections.reduce((sum, collection) => sum + collection.documents, 0),
        seconds: (Date.parse(result.manifest.finished_at) - Date.parse(result.manifest.started_at)) / 1000,
        ...(result.pruned === null ? {} : { pruned: result.pruned.deleted, objects_deleted: result.pruned.objectsDeleted }),
      },
    });
    return result;
  } catch (error) {
    await finishBackup(pool, { backupId: row.backup_id, status: 'failed', location: options.target.location, error }).catch(() => undefined);
    throw error;
  }
}
