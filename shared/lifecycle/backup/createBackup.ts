import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { Db } from 'mongodb';

import type { DatabasePool } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import { createStopwatch } from '#platform/stopwatch.ts';
import { BACKUP_FORMAT, backupIdAt, backupPrefix, manifestKey, type BackupManifest } from '../archive/backupManifest.ts';
import { formatBytes } from '../archive/formatBytes.ts';
import { listBackups, readBackupManifest } from '../archive/listBackups.ts';
import type { BackupProgress } from './backupProgress.ts';
import { copyRawObjects } from './copyRawObjects.ts';
import { dumpPostgres } from './dumpPostgres.ts';
import { exportBronze } from './exportBronze.ts';
import { pruneBackups, type PruneResult } from './pruneBackups.ts';
import type { BackupRetention } from './selectBackupsToKeep.ts';

export type CreateBackupOptions = {
  /** The platform database. */
  readonly pool: DatabasePool;
  readonly databaseUrl: string;
  /** The bronze database. */
  readonly bronze: Db;
  /** The raw store's objects. */
  readonly raw: ObjectStore;
  /** Where backups go (a folder or a bucket). */
  readonly target: ObjectStore;
  /** Local scratch folder for the dump before it is stored. */
  readonly workDir: string;
  /** pg_dump workers (1: custom format; more: directory format in parallel). Default 1. */
  readonly jobs?: number;
  /** Folder of the Postgres client tools. Default: PATH. */
  readonly pgBinDir?: string;
  /** Old backups to keep; null keeps everything. Default: null. */
  readonly retention?: BackupRetention | null;
  /** Default: the current time. */
  readonly now?: () => Date;
  readonly progress?: BackupProgress;
};

export type BackupResult = {
  readonly id: string;
  readonly manifest: BackupManifest;
  readonly pruned: PruneResult | null;
  /** Milliseconds each part took. */
  readonly timings: { readonly postgresMs: number; readonly bronzeMs: number; readonly rawMs: number };
};

const platformVersion = (): string => (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Takes one dated backup of the whole platform into `target`: the Postgres database with pg_dump
 * (catalog, runs, silver, gold, in one snapshot with its row counts), the bronze collections through
 * the driver, the raw store into the target's content-addressed store (only files no earlier backup
 * stored), then the manifest — last, so a backup without one is known to be incomplete. Finally the
 * retention deletes the backups it does not keep.
 */
export async function createBackup(options: CreateBackupOptions): Promise<BackupResult> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const folders = await listBackups(options.target);
  const taken = new Set([...folders.complete, ...folders.incomplete]);
  let id = backupIdAt(started);
  for (let suffix = 1; taken.has(id); suffix += 1) id = `${backupIdAt(started)}-${suffix}`;
  const prefix = backupPrefix(id);
  options.progress?.({ phase: 'manifest', message: `backup ${id} into ${options.target.location}` });
  const latest = folders.complete.at(-1);
  const previous = latest === undefined ? undefined : await readBackupManifest(options.target, latest).catch(() => undefined);

  const lap = createStopwatch();
  const { migrations, ...postgres } = await dumpPostgres({
    pool: options.pool,
    url: options.databaseUrl,
    objects: options.target,
    prefix: `${prefix}postgres/`,
    workDir: options.workDir,
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
    ...(options.pgBinDir === undefined ? {} : { binDir: options.pgBinDir }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  });
  const postgresMs = lap();
  const bronze = await exportBronze({ db: options.bronze, objects: options.target, prefix: `${prefix}bronze/`, ...(options.progress === undefined ? {} : { progress: options.progress }) });
  const bronzeMs = lap();
  const raw = await copyRawObjects({ raw: options.raw, target: options.target, ...(previous === undefined ? {} : { previous: previous.raw.objects }), ...(options.progress === undefined ? {} : { progress: options.progress }) });

  const rawMs = lap();
  const storedBytes =
    postgres.files.reduce((sum, file) => sum + file.bytes, 0) + bronze.collections.reduce((sum, collection) => sum + collection.file.bytes, 0) + raw.new_bytes;
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    id,
    started_at: started.toISOString(),
    finished_at: now().toISOString(),
    platform: { version: platformVersion(), migrations: [...migrations] },
    postgres,
    bronze,
    raw,
    stored_bytes: storedBytes,
  };
  await options.target.put(manifestKey(id), Buffer.from(JSON.stringify(manifest, null, 2)));
  options.progress?.({ phase: 'manifest', message: `backup ${id} complete: ${formatBytes(storedBytes)} stored (${raw.new_objects} new raw files of ${raw.objects.length})` });

  let pruned: PruneResult | null = null;
  if (options.retention !== undefined && options.retention !== null) {
    pruned = await pruneBackups(options.target, options.retention, now());
    if (pruned.deleted.length > 0 || pruned.objectsDeleted > 0) {
      options.progress?.({ phase: 'retention', message: `deleted ${pruned.deleted.length} old backup(s) and ${pruned.objectsDeleted} raw object(s) no kept backup uses; ${pruned.kept.length} kept` });
    }
  }
  return { id, manifest, pruned, timings: { postgresMs, bronzeMs, rawMs } };
}
