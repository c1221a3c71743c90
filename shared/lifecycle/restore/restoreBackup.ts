import type { Db } from 'mongodb';
import { z } from 'zod';

import { sql, type DatabasePool } from '#platform/db/sql.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import { ConflictError, ValidationError } from '#platform/errors.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import { createStopwatch } from '#platform/stopwatch.ts';
import { backupPrefix, casKey, type BackupManifest } from '../archive/backupManifest.ts';
import { readBackupManifest } from '../archive/listBackups.ts';
import type { BackupProgress } from '../backup/backupProgress.ts';
import { settleRestoredBackup } from '../backup/backupRecords.ts';
import { listStoredObjects } from '../backup/copyRawObjects.ts';
import { importBronze } from './importBronze.ts';
import { inspectPlatform, isPlatformEmpty, type PlatformContents } from './inspectPlatform.ts';
import { restorePostgres } from './restorePostgres.ts';
import { restoreRawObjects } from './restoreRawObjects.ts';
import { verifyRestore, type RestoreVerification } from './verifyRestore.ts';

export type RestoreBackupOptions = {
  /** Where the backup is (the target it was written to). */
  readonly target: ObjectStore;
  readonly id: string;
  /** The platform database (it must exist) and a pool on it. */
  readonly pool: DatabasePool;
  readonly databaseUrl: string;
  readonly bronze: Db;
  readonly raw: ObjectStore;
  readonly workDir: string;
  /** Restore into a platform that holds data, replacing what the archive holds. Default false. */
  readonly force?: boolean;
  /** pg_restore workers. Default 2. */
  readonly jobs?: number;
  readonly pgBinDir?: string;
  readonly progress?: BackupProgress;
};

export type RestoreResult = {
  readonly manifest: BackupManifest;
  readonly verification: RestoreVerification;
  /** Migrations applied after the restore (an archive of an older version comes up on this one). */
  readonly migrated: readonly string[];
  /** Milliseconds each part took. */
  readonly timings: { readonly postgresMs: number; readonly bronzeMs: number; readonly rawMs: number; readonly verifyMs: number };
};

function describeContents(contents: PlatformContents): string {
  const parts: string[] = [];
  if (contents.tablesWithRows.length > 0) parts.push(`Postgres has rows in ${contents.tablesWithRows.length} table(s) (${contents.tablesWithRows.slice(0, 4).join(', ')}${contents.tablesWithRows.length > 4 ? ', …' : ''})`);
  if (contents.collectionsWithDocuments.length > 0) parts.push(`bronze has documents in ${contents.collectionsWithDocuments.slice(0, 4).join(', ')}${contents.collectionsWithDocuments.length > 4 ? ', …' : ''}`);
  if (contents.rawFiles.length > 0) parts.push(`the raw store has files (${contents.rawFiles[0]}, …)`);
  return parts.join('; ');
}

/** Checks that every object the manifest names is in the target before anything is restored. */
async function assertArchiveWhole(target: ObjectStore, manifest: BackupManifest): Promise<void> {
  const keys = new Set(await target.list(backupPrefix(manifest.id)));
  const stored = await listStoredObjects(target);
  const missing = [
    ...[...manifest.postgres.files, ...manifest.bronze.collections.map((collection) => collection.file)].flatMap((file) => file.chunks.map((chunk) => chunk.key)).filter((key) => !keys.has(key)),
    ...manifest.raw.objects.filter((object) => !stored.has(object.sha256)).map((object) => `${casKey(object.sha256)} (${object.key})`),
  ];
  if (missing.length > 0) {
    throw new ValidationError('backup.object_missing', `Backup ${manifest.id} in ${target.location} is incomplete: ${missing.length} object(s) are missing (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}). Nothing was restored; use another backup.`, { context: { id: manifest.id, missing: missing.length } });
  }
}

/**
 * Restores a backup into a platform: checks the archive is whole, refuses a platform that holds data
 * (unless `force`), then restores Postgres (pg_restore), bronze (through the driver) and the raw files,
 * compares what landed with the manifest's counts, and finally applies the migrations this version
 * has beyond the archive's.
 */
export async function restoreBackup(options: RestoreBackupOptions): Promise<RestoreResult> {
  const manifest = await readBackupManifest(options.target, options.id);
  options.progress?.({ phase: 'verify', message: `backup ${manifest.id} (${manifest.started_at}, platform ${manifest.platform.version}) from ${options.target.location}` });
  await assertArchiveWhole(options.target, manifest);
  const contents = await inspectPlatform({ connection: options.pool, bronze: options.bronze, raw: options.raw });
  const force = options.force === true;
  if (!isPlatformEmpty(contents) && !force) {
    throw new ConflictError('restore.not_empty', `Refusing to restore into a platform that holds data: ${describeContents(contents)}. Restore into an empty platform (new databases and raw store), or pass --force to replace what the archive holds.`, { context: { tables: contents.tablesWithRows.length, collections: contents.collectionsWithDocuments.length } });
  }
  const lap = createStopwatch();
  await restorePostgres({
    postgres: manifest.postgres,
    target: options.target,
    url: options.databaseUrl,
    workDir: options.workDir,
    clean: contents.tables > 0,
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
    ...(options.pgBinDir === undefined ? {} : { binDir: options.pgBinDir }),
    ...(options.progress === undefined ? {} : { progress: options.progress }),
  });
  const postgresMs = lap();
  await importBronze({ db: options.bronze, target: options.target, collections: manifest.bronze.collections, replace: force, ...(options.progress === undefined ? {} : { progress: options.progress }) });
  const bronzeMs = lap();
  await restoreRawObjects({ target: options.target, raw: options.raw, objects: manifest.raw.objects, ...(options.progress === undefined ? {} : { progress: options.progress }) });
  const rawMs = lap();
  const verification = await verifyRestore({ manifest, connection: options.pool, bronze: options.bronze, raw: options.raw });
  if (await options.pool.oneFirst(sql.type(z.object({ present: z.boolean() }))`SELECT to_regclass('platform.backups') IS NOT NULL AS present`)) {
    await settleRestoredBackup(options.pool, { archiveId: manifest.id, location: options.target.location, storedBytes: manifest.stored_bytes, finishedAt: new Date(manifest.finished_at) });
  }
  options.progress?.({ phase: 'verify', message: verification.ok ? `verified: ${verification.checks.length} counts match the manifest` : `${verification.mismatches.length} count(s) differ from the manifest` });
  const verifyMs = lap();
  const migrated = verification.ok ? (await migrateDatabase({ url: options.databaseUrl })).applied : [];
  return { manifest, verification, migrated, timings: { postgresMs, bronzeMs, rawMs, verifyMs } };
}
