import { createHash } from 'node:crypto';

import { ValidationError } from '#platform/errors.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { StoredFile } from './backupManifest.ts';

/**
 * Reads a stored file back object by object, checking each object's size and checksum before
 * handing it to `sink` and the whole file's at the end: a missing or altered object is a
 * ValidationError naming it, raised before anything after it is read.
 */
export async function readStoredFile(objects: ObjectStore, file: StoredFile, sink: (bytes: Buffer) => Promise<void> | void): Promise<void> {
  const whole = createHash('sha256');
  for (const chunk of file.chunks) {
    const bytes = await objects.get(chunk.key);
    if (bytes === undefined) {
      throw new ValidationError('backup.object_missing', `Backup object ${chunk.key} (part of ${file.name}) is missing from ${objects.location}; this archive cannot be restored whole. Use another backup.`, { context: { key: chunk.key } });
    }
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (bytes.length !== chunk.bytes || sha !== chunk.sha256) {
      throw new ValidationError('backup.object_corrupt', `Backup object ${chunk.key} (part of ${file.name}) does not match the manifest (${bytes.length} bytes, sha256 ${sha.slice(0, 12)}…; expected ${chunk.bytes} bytes, ${chunk.sha256.slice(0, 12)}…). Use another backup.`, { context: { key: chunk.key } });
    }
    whole.update(bytes);
    await sink(bytes);
  }
  const sha = whole.digest('hex');
  if (sha !== file.sha256) {
    throw new ValidationError('backup.object_corrupt', `Backup file ${file.name} does not match its checksum in the manifest (sha256 ${sha.slice(0, 12)}…, expected ${file.sha256.slice(0, 12)}…). Use another backup.`, { context: { file: file.name } });
  }
}
