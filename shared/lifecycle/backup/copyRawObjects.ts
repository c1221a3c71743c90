import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import type { ObjectStore } from '#platform/raw/objectStore.ts';
import { casKey, type BackupManifest, type RawObject } from '../archive/backupManifest.ts';
import { forEachConcurrently } from '../archive/forEachConcurrently.ts';
import { formatBytes } from '../archive/formatBytes.ts';
import type { BackupProgress } from './backupProgress.ts';

const gzipAsync = promisify(gzip);

/** Part files never change once written (the raw store refuses to rewrite one); manifests may. */
const IMMUTABLE = /\/part-\d{5}\.json(\.gz)?$/;

const CAS_NAME = /^objects\/sha256\/[0-9a-f]{2}\/([0-9a-f]{64})\.gz$/;

/** The content hashes already stored in a backup target. */
export async function listStoredObjects(target: ObjectStore): Promise<Set<string>> {
  const shas = new Set<string>();
  for (const key of await target.list('objects/sha256/')) {
    const match = CAS_NAME.exec(key);
    if (match?.[1] !== undefined) shas.add(match[1]);
  }
  return shas;
}

export type CopyRawObjectsOptions = {
  /** The raw store's objects (`raw/…` keys). */
  readonly raw: ObjectStore;
  readonly target: ObjectStore;
  /** The newest earlier backup's raw list: its part files are not read again. */
  readonly previous?: readonly RawObject[];
  /** Objects read and stored at once. Default 4. */
  readonly concurrency?: number;
  readonly progress?: BackupProgress;
};

/**
 * Copies the raw store into the target's content-addressed store, incrementally: a file whose
 * content hash is already stored (by any earlier backup) is not stored again, and a part file the
 * previous backup listed is not even read (parts are immutable). Returns every raw file with its hash.
 */
export async function copyRawObjects(options: CopyRawObjectsOptions): Promise<BackupManifest['raw']> {
  const keys = await options.raw.list('raw/');
  const stored = await listStoredObjects(options.target);
  const known = new Map((options.previous ?? []).filter((object) => IMMUTABLE.test(object.key)).map((object) => [object.key, object]));
  const objects: (RawObject | undefined)[] = new Array(keys.length);
  let newObjects = 0;
  let newBytes = 0;
  let done = 0;
  const report = (): void => options.progress?.({ phase: 'raw', message: `${done}/${keys.length} files checked, ${newObjects} new (${formatBytes(newBytes)} stored)` });

  await forEachConcurrently(keys, options.concurrency ?? 4, async (key, index) => {
    const previous = known.get(key);
    if (previous !== undefined && stored.has(previous.sha256)) {
      objects[index] = previous;
    } else {
      const bytes = await options.raw.get(key);
      if (bytes !== undefined) {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        if (!stored.has(sha256)) {
          stored.add(sha256);
          const body = await gzipAsync(bytes);
          await options.target.put(casKey(sha256), body);
          newObjects += 1;
          newBytes += body.length;
        }
        objects[index] = { key, bytes: bytes.length, sha256 };
      }
    }
    done += 1;
    if (done % 500 === 0) report();
  });
  report();
  return { location: options.raw.location, objects: objects.filter((object): object is RawObject => object !== undefined), new_objects: newObjects, new_bytes: newBytes };
}
