import { createFolderObjectStore } from './createFolderObjectStore.ts';
import { createRawStore } from './createRawStore.ts';
import type { RawStore } from './rawStore.ts';

/** A raw store in a local folder, with the same key layout as the object store. */
export function createLocalRawStore(root: string): RawStore {
  return createRawStore(createFolderObjectStore(root));
}
