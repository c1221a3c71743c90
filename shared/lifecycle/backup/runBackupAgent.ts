import { setTimeout as sleep } from 'node:timers/promises';

import type { Db } from 'mongodb';

import type { DatabasePool } from '#platform/db/sql.ts';
import type { Env } from '#platform/env.ts';
import type { Logger } from '#platform/log.ts';
import { openObjectStore } from '#platform/raw/openObjectStore.ts';
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

/** The agent's settings from the platform's configuration (the compose service and `dp up` run it alike). */
export function backupAgentOptionsFrom(env: Env, connections: { readonly pool: DatabasePool; readonly bronze: Db; readonly log: Logger; readonly signal: AbortSignal }): BackupAgentOptions {
  return {
    ...connections,
    databaseUrl: env.databaseUrl,
    raw: openObjectStore(env.rawStoreUrl, env, 'DP_RAW_STORE_URL'),
    target: openObjectStore(env.backupUrl, env, 'DP_BACKUP_URL'),
    workDir: env.backupWorkDir,
    jobs: env.backupJobs,
    retention: { daily: env.backupKeepDaily, weekly: env.backupKeepWeekly },
    ...(env.pgBinDir === undefined ? {} : { pgBinDir: env.pgBinDir }),
  };
}

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
