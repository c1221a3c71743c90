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
};

/** Where a key of a store is, for messages: `s3://bucket/prefix/key`, `file:///folder/key`. */
export function objectLocation(store: Pick<ObjectStore, 'location'>, key: string): string {
  return `${store.location.replace(/\/+$/, '')}/${key}`;
}
