import type { ObjectStore } from '#platform/raw/objectStore.ts';
import { backupIdDate, backupPrefix, casKey } from '../archive/backupManifest.ts';
import { listBackups, readBackupManifest } from '../archive/listBackups.ts';
import { listStoredObjects } from './copyRawObjects.ts';
import { selectBackupsToKeep, type BackupRetention } from './selectBackupsToKeep.ts';

/** An incomplete backup folder younger than this may belong to a backup that is still running. */
const INCOMPLETE_GRACE_MS = 24 * 3_600_000;

export type PruneResult = {
  readonly kept: readonly string[];
  readonly deleted: readonly string[];
  /** Raw objects no kept backup refers to any more, deleted. */
  readonly objectsDeleted: number;
  /** Why unreferenced objects were left, when they were. */
  readonly objectsKeptBecause?: string;
};

/**
 * Applies the backup retention to a target: deletes the complete backups `selectBackupsToKeep` does not
 * keep and incomplete folders older than a day, then the raw objects only they referred to. Objects are
 * left alone while another backup may be running (an incomplete folder younger than a day), since its
 * new objects are not in any manifest yet.
 */
export async function pruneBackups(target: ObjectStore, retention: BackupRetention, now: Date): Promise<PruneResult> {
  const folders = await listBackups(target);
  const kept = selectBackupsToKeep(folders.complete, retention);
  const stale = folders.incomplete.filter((id) => now.getTime() - backupIdDate(id).getTime() > INCOMPLETE_GRACE_MS);
  const running = folders.incomplete.filter((id) => !stale.includes(id));
  const doomed = [...folders.complete.filter((id) => !kept.has(id)), ...stale];
  for (const id of doomed) {
    await target.delete(await target.list(backupPrefix(id)));
  }
  if (running.length > 0) {
    return { kept: [...kept].sort(), deleted: doomed, objectsDeleted: 0, objectsKeptBecause: `backup ${running.join(', ')} may still be running` };
  }
  const referenced = new Set<string>();
  for (const id of kept) {
    for (const object of (await readBackupManifest(target, id)).raw.objects) referenced.add(object.sha256);
  }
  const unreferenced = [...(await listStoredObjects(target))].filter((sha) => !referenced.has(sha));
  await target.delete(unreferenced.map(casKey));
  return { kept: [...kept].sort(), deleted: doomed, objectsDeleted: unreferenced.length };
}
