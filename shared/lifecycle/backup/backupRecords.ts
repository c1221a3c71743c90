/**
 * The rows of `platform.backups` (migration 0008): requests from the schedule, and every backup the agent
 * or `dp backup` ran. At most one row is requested or running at a time (a partial unique index).
 */
import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { ConflictError, PlatformError } from '#platform/errors.ts';
import { toErrorRecord } from '#pipeline/runStore/toErrorRecord.ts';

export const backupRowSchema = z.object({
  backup_id: z.bigint().transform(Number),
  trigger_kind: z.enum(['schedule', 'manual']),
  status: z.enum(['requested', 'running', 'succeeded', 'failed']),
  requested_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  archive_id: z.string().nullable(),
  location: z.string().nullable(),
  stored_bytes: z.bigint().transform(Number).nullable(),
  detail: z.record(z.string(), z.unknown()),
  error: z.record(z.string(), z.unknown()).nullable(),
});
export type BackupRow = z.output<typeof backupRowSchema>;

/** A backup running longer than this is taken for dead (its agent stopped) and marked failed, so the next one can start. */
const STALE_HOURS = 12;

async function failStale(connection: CommonQueryMethods): Promise<void> {
  await connection.query(sql.unsafe`
    UPDATE platform.backups SET status = 'failed', finished_at = now(),
      error = ${sql.jsonb({ code: 'backup.abandoned', message: `The backup did not finish within ${STALE_HOURS} hours; its agent stopped. The next request starts a new one.`, retryable: true, context: {} })}
    WHERE status = 'running' AND started_at < now() - make_interval(hours => ${STALE_HOURS})`);
}

/** The open (requested or running) backup, if any. */
async function openBackup(connection: CommonQueryMethods): Promise<BackupRow | null> {
  return connection.maybeOne(sql.type(backupRowSchema)`SELECT * FROM platform.backups WHERE status IN ('requested', 'running')`);
}

/** Records a request for a backup; when one is already requested or running, returns that one instead (`created` false). */
export async function requestBackup(connection: CommonQueryMethods, trigger: 'schedule' | 'manual'): Promise<{ readonly backup: BackupRow; readonly created: boolean }> {
  await failStale(connection);
  const inserted = await connection.maybeOne(sql.type(backupRowSchema)`
    INSERT INTO platform.backups (trigger_kind) VALUES (${trigger})
    ON CONFLICT ((true)) WHERE status IN ('requested', 'running') DO NOTHING
    RETURNING *`);
  if (inserted !== null) return { backup: inserted, created: true };
  const open = await openBackup(connection);
  if (open === null) throw new PlatformError('backup.request_lost', 'A backup request neither went in nor found the open one; try again.', { retryable: true });
  return { backup: open, created: false };
}

/** Takes the requested backup for running, if there is one. */
export async function claimBackupRequest(connection: CommonQueryMethods): Promise<BackupRow | null> {
  await failStale(connection);
  return connection.maybeOne(sql.type(backupRowSchema)`
    UPDATE platform.backups SET status = 'running', started_at = now() WHERE status = 'requested' RETURNING *`);
}

/**
 * Records a backup started by hand (`dp backup`) as running. A request waiting for the agent is taken
 * over (this backup fulfils it); refused while another backup is running.
 */
export async function startManualBackup(connection: CommonQueryMethods): Promise<BackupRow> {
  const claimed = await claimBackupRequest(connection);
  if (claimed !== null) return claimed;
  const started = await connection.maybeOne(sql.type(backupRowSchema)`
    INSERT INTO platform.backups (trigger_kind, status, started_at) VALUES ('manual', 'running', now())
    ON CONFLICT ((true)) WHERE status IN ('requested', 'running') DO NOTHING
    RETURNING *`);
  if (started !== null) return started;
  const open = await openBackup(connection);
  throw new ConflictError('backup.busy', `Backup ${open?.backup_id ?? ''} is already ${open?.status ?? 'open'} (${open?.trigger_kind ?? ''}, since ${(open?.started_at ?? open?.requested_at)?.toISOString() ?? '?'}); wait for it (\`dp backup --list\`), one backup runs at a time.`, { context: { backupId: open?.backup_id } });
}

/** Records how a backup ended. */
export async function finishBackup(connection: CommonQueryMethods, input: { readonly backupId: number; readonly status: 'succeeded' | 'failed'; readonly archiveId?: string; readonly location?: string; readonly storedBytes?: number; readonly detail?: Readonly<Record<string, unknown>>; readonly error?: unknown }): Promise<void> {
  await connection.query(sql.unsafe`
    UPDATE platform.backups
    SET status = ${input.status}, finished_at = now(), archive_id = ${input.archiveId ?? null}, location = ${input.location ?? null},
        stored_bytes = ${input.storedBytes ?? null}, detail = ${sql.jsonb(input.detail ?? {})},
        error = ${input.error === undefined ? null : sql.jsonb(toErrorRecord(input.error))}
    WHERE backup_id = ${input.backupId}`);
}

/**
 * After a restore: the archive holds its own backup's row as it was when the dump was taken (running);
 * it is marked as the backup it became.
 */
export async function settleRestoredBackup(connection: CommonQueryMethods, input: { readonly archiveId: string; readonly location: string; readonly storedBytes: number; readonly finishedAt: Date }): Promise<void> {
  await connection.query(sql.unsafe`
    UPDATE platform.backups SET status = 'succeeded', finished_at = ${input.finishedAt.toISOString()}::timestamptz, archive_id = ${input.archiveId},
      location = ${input.location}, stored_bytes = ${input.storedBytes}
    WHERE status IN ('requested', 'running')`);
}

/** The latest backups, newest first. */
export async function listRecentBackups(connection: CommonQueryMethods, limit = 20): Promise<readonly BackupRow[]> {
  return connection.any(sql.type(backupRowSchema)`SELECT * FROM platform.backups ORDER BY backup_id DESC LIMIT ${limit}`);
}
