import { createHash } from 'node:crypto';

import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { StoredFile } from './backupManifest.ts';

/** Largest object a stored file is cut into: bounded memory whatever the file's size, and within every store's single-PUT limit. */
export const CHUNK_BYTES = 32 * 1024 * 1024;

export type StoredFileWriter = {
  /** Appends bytes; a full chunk is written to the store before this resolves. */
  readonly write: (bytes: Buffer) => Promise<void>;
  /** Writes the last chunk and returns the file's entry for the manifest. */
  readonly finish: () => Promise<StoredFile>;
};

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Stores a stream of bytes as consecutive objects `<prefix>.<nnnnn>` of at most `chunkBytes`
 * (default 32 MiB), checksumming each object and the whole, so a file of any size goes to any
 * object store with memory for one chunk.
 */
export function createStoredFileWriter(objects: ObjectStore, prefix: string, name: string, chunkBytes = CHUNK_BYTES): StoredFileWriter {
  const whole = createHash('sha256');
  const chunks: StoredFile['chunks'][number][] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;

  const flush = async (): Promise<void> => {
    const body = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    const key = `${prefix}.${String(chunks.length).padStart(5, '0')}`;
    await objects.put(key, body);
    chunks.push({ key, bytes: body.length, sha256: sha256(body) });
  };

  return {
    write: async (bytes) => {
      whole.update(bytes);
      total += bytes.length;
      let offset = 0;
      while (offset < bytes.length) {
        const take = Math.min(chunkBytes - pendingBytes, bytes.length - offset);
        pending.push(bytes.subarray(offset, offset + take));
        pendingBytes += take;
        offset += take;
        if (pendingBytes === chunkBytes) await flush();
      }
    },
    finish: async () => {
      if (pendingBytes > 0 || chunks.length === 0) await flush();
      return { name, bytes: total, sha256: whole.digest('hex'), chunks };
    },
  };
}
