import { setTimeout as sleep } from 'node:timers/promises';

import type { Logger } from '#platform/log.ts';
import { claimBackupRequest } from './backupRecords.ts';
import type { CreateBackupOptions } from './createBackup.ts';
import { runRecordedBackup } from './runRecordedBackup.ts';

export type BackupAgentOptions = Omit<CreateBackupOptions, 'progress'> & {
  /** Milliseconds between looks for a request. Default 15000. */
  readonly pollMs?: number;
  /** Stops the loop (after the backup in progress, if any). */
  readonly signal?: AbortSignal;
  readonly log: Logger;
};

/**
 * One look for a backup request: claims it, runs it and records the outcome. Returns the archive id of
 * the backup it ran, or null when nothing was requested. A failed backup is recorded and logged, not thrown.
 */
export async function runPendingBackup(options: BackupAgentOptions): Promise<string | null> {
  const row = await claimBackupRequest(options.pool);
  if (row === null) return null;
  const log = options.log.child({ backup_id: row.backup_id, trigger: row.trigger_kind });
  log.info('backup.started', {});
  try {
    const result = await runRecordedBackup(options.pool, row, { ...options, progress: (event) => log.info('backup.progress', { phase: event.phase, message: event.message }) });
    log.info('backup.succeeded', { archive_id: result.id, stored_bytes: result.manifest.stored_bytes, new_raw_files: result.manifest.raw.new_objects });
    return result.id;
  } catch (error) {
    log.error('backup.failed', { error });
    return null;
  }
}

/**
 * The backup agent: a long-running process beside the databases (a compose service on faasd, with the
 * Postgres client tools) that runs the backups the `backup` function's schedule requests. pg_dump of a
 * large database takes longer than a function may run (60 s), and it cannot be split across invocations
 * (a snapshot lives only as long as its transaction), so the function only records the request.
 */
export async function runBackupAgent(options: BackupAgentOptions): Promise<void> {
  const pollMs = options.pollMs ?? 15_000;
  options.log.info('backup_agent.ready', { target: options.target.location, poll_ms: pollMs });
  while (options.signal?.aborted !== true) {
    try {
      await runPendingBackup(options);
    } catch (error) {
      // The database is down or unreachable: look again at the next poll.
      options.log.warn('backup_agent.poll_failed', { error });
    }
    await sleep(pollMs, undefined, options.signal === undefined ? {} : { signal: options.signal }).catch(() => undefined);
  }
  options.log.info('backup_agent.stopped', {});
}
