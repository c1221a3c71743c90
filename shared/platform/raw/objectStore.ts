import { TransientError } from '../errors.ts';

/**
 * The smallest storage interface the raw layer needs: whole objects by key. Two drivers:
 * a local folder (`createFolderObjectStore`) and an S3-compatible object store (`createS3ObjectStore`),
 * which is what functions on faasd use, since they have no shared volume.
 */
export type ObjectStore = {
  /** Human-readable location for logs: `file:///…` or `s3://bucket/prefix`. */
  readonly location: string;
  /** The object's bytes, or undefined when there is no such key. */
  readonly get: (key: string) => Promise<Buffer | undefined>;
  /** Writes the object whole; readers never see a partial object. */
  readonly put: (key: string, body: Buffer) => Promise<void>;
  /** Every key under `prefix` (which should end with `/`), sorted. */
  readonly list: (prefix: string) => Promise<readonly string[]>;
  /** Deletes the keys; missing keys are ignored. */
  readonly delete: (keys: readonly string[]) => Promise<void>;
  /** Every key under `prefix` with its size in bytes, when the driver can tell without reading the objects. */
  readonly listSizes?: (prefix: string) => Promise<readonly { readonly key: string; readonly bytes: number }[]>;
  /** The object's size and version (a new one whenever it is rewritten), or undefined when there is no such key. */
  readonly head: (key: string) => Promise<ObjectHead | undefined>;
  /**
   * Bytes `start` to `start + length` of the object (fewer at its end, none past it), or undefined when there is
   * no such key: how a large object is read without holding it (`readObjectFrom`).
   */
  readonly getRange: (key: string, start: number, length: number) => Promise<Buffer | undefined>;
  /** Writes the object from a stream of chunks, holding a bounded part of it in memory; readers never see a partial object. */
  readonly putStream: (key: string, chunks: AsyncIterable<Buffer>) => Promise<void>;
  /**
   * Copies object `sourceKey` of the store at `sourceLocation` (another store's `location`) to `key` inside the
   * storage — a file copy between local folders, a server-side CopyObject within the S3 endpoint — so a large object
   * never passes through the process; readers never see a partial object. Resolves false when this store cannot
   * reach that location (the caller then streams it: `putStream` of `readObjectFrom`).
   */
  readonly copyFrom?: (sourceLocation: string, sourceKey: string, key: string) => Promise<boolean>;
};

/** What `head` tells of an object: its size, and a version that changes when it is rewritten (mtime, ETag). */
export type ObjectHead = { readonly bytes: number; readonly version: string };

/** How much `readObjectFrom` asks for at a time. */
export const RANGE_BYTES = 4 * 1024 * 1024;

/**
 * The object's bytes from `start` to its end, as ranged reads of `rangeBytes` each: memory holds one range.
 * An object that disappears while it is read is an error naming it (the caller's next attempt sees it gone).
 */
export async function* readObjectFrom(store: ObjectStore, key: string, start = 0, rangeBytes = RANGE_BYTES): AsyncGenerator<Buffer, void, void> {
  let position = start;
  for (;;) {
    const bytes = await store.getRange(key, position, rangeBytes);
    if (bytes === undefined) throw objectGone(objectLocation(store, key), key, position);
    if (bytes.length > 0) yield bytes;
    if (bytes.length < rangeBytes) return;
    position += bytes.length;
  }
}

/** The error for an object that disappeared while it was read or copied: the caller's next attempt sees it gone. */
export function objectGone(location: string, key: string, offset = 0): TransientError {
  return new TransientError('raw.object_gone', `${location} disappeared while it was being read at byte ${offset}; the next attempt starts again from what it finds.`, { context: { key, offset } });
}

/** Where a key of a store is, for messages: `s3://bucket/prefix/key`, `file:///folder/key`. */
export function objectLocation(store: Pick<ObjectStore, 'location'>, key: string): string {
  return `${store.location.replace(/\/+$/, '')}/${key}`;
}
