import { ValidationError } from '#platform/errors.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import { backupManifestSchema, manifestKey, type BackupManifest } from './backupManifest.ts';

export type BackupFolders = {
  /** Ids of backups with a manifest (complete), oldest first. */
  readonly complete: readonly string[];
  /** Ids of folders without a manifest: a backup still running, or one that failed. */
  readonly incomplete: readonly string[];
};

/** The backups in a target, by folder. */
export async function listBackups(target: ObjectStore): Promise<BackupFolders> {
  const folders = new Map<string, boolean>();
  for (const key of await target.list('backups/')) {
    const match = /^backups\/([^/]+)\/(.*)$/.exec(key);
    if (match === null) continue;
    const [, id = '', rest] = match;
    folders.set(id, (folders.get(id) ?? false) || rest === 'manifest.json');
  }
  const ids = [...folders.keys()].sort();
  return { complete: ids.filter((id) => folders.get(id) === true), incomplete: ids.filter((id) => folders.get(id) !== true) };
}

/** Reads and checks one backup's manifest; a missing or malformed one is a ValidationError naming the archive. */
export async function readBackupManifest(target: ObjectStore, id: string): Promise<BackupManifest> {
  const bytes = await target.get(manifestKey(id));
  if (bytes === undefined) {
    throw new ValidationError('backup.not_found', `There is no complete backup ${id} in ${target.location} (no ${manifestKey(id)}); \`dp backup --list\` shows the backups there.`, { context: { id } });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ValidationError('backup.manifest_invalid', `The manifest of backup ${id} in ${target.location} is not JSON (${(error as Error).message}); use another backup.`, { cause: error, context: { id } });
  }
  const result = backupManifestSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ValidationError('backup.manifest_invalid', `The manifest of backup ${id} in ${target.location} is not one this version reads (${issue?.path.join('.')}: ${issue?.message}).`, { context: { id } });
  }
  return result.data;
}
