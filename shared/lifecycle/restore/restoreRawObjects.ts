import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

import { ValidationError } from '#platform/errors.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import { casKey, type RawObject } from '../archive/backupManifest.ts';
import { forEachConcurrently } from '../archive/forEachConcurrently.ts';
import type { BackupProgress } from '../backup/backupProgress.ts';

const gunzipAsync = promisify(gunzip);

/** Writes every raw file of a backup back under its key, each checked against its content hash first. */
export async function restoreRawObjects(options: { readonly target: ObjectStore; readonly raw: ObjectStore; readonly objects: readonly RawObject[]; readonly concurrency?: number; readonly progress?: BackupProgress }): Promise<void> {
  let done = 0;
  await forEachConcurrently(options.objects, options.concurrency ?? 4, async (object) => {
    const stored = await options.target.get(casKey(object.sha256));
    if (stored === undefined) {
      throw new ValidationError('backup.object_missing', `Raw file ${object.key} is missing from the backup (${casKey(object.sha256)} is not in ${options.target.location}); use another backup.`, { context: { key: object.key } });
    }
    const bytes = await gunzipAsync(stored);
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== object.sha256 || bytes.length !== object.bytes) {
      throw new ValidationError('backup.object_corrupt', `Raw file ${object.key} in the backup does not match its checksum (${casKey(object.sha256)}); use another backup.`, { context: { key: object.key } });
    }
    await options.raw.put(object.key, bytes);
    done += 1;
    if (done % 500 === 0) options.progress?.({ phase: 'raw', message: `${done}/${options.objects.length} raw files restored` });
  });
  options.progress?.({ phase: 'raw', message: `${options.objects.length} raw files restored` });
}
