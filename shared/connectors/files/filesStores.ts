import path from 'node:path';

import type { Env } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';
import { readObjectFrom, type ObjectStore } from '#platform/raw/objectStore.ts';
import { openObjectStore } from '#platform/raw/openObjectStore.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { FilesConfig, FilesExtract } from './filesSettings.ts';
import { fingerprintBytes } from './streamCsvFile.ts';

/**
 * Where the files connector finds exports and puts them after import: two object stores, a local folder
 * each by default (DP_INBOX_DIR, DP_ARCHIVE_DIR) and, on faasd, prefixes of the S3 bucket
 * (DP_INBOX_URL=s3://dataplatform-raw/inbox, DP_ARCHIVE_URL=s3://dataplatform-raw/archive), since a function
 * has no volume a person could drop files into.
 */
export type FilesStores = {
  readonly inbox: ObjectStore;
  readonly archive: ObjectStore;
};

/** Opens the stores DP_INBOX_URL and DP_ARCHIVE_URL name. */
export function openFilesStores(env: Pick<Env, 'inboxUrl' | 'archiveUrl' | 's3Endpoint' | 's3Region' | 's3Credentials'>): FilesStores {
  return { inbox: openObjectStore(env.inboxUrl, env, 'DP_INBOX_URL'), archive: openObjectStore(env.archiveUrl, env, 'DP_ARCHIVE_URL') };
}

/** Key prefixes (ending in `/`) of one dataset in those stores. */
export type FilesLocations = {
  /** The dataset's own inbox: `<source inbox>/<dataset>/`, or `extract.inbox`. */
  readonly inbox: string;
  /** The source's inbox, when the dataset has a `pattern` (files dropped there go to the dataset whose pattern they match). */
  readonly sharedInbox: string | undefined;
  /** Where its imported files go: `<source archive>/<dataset>/`, or `extract.archive`. */
  readonly archive: string;
};

/** A folder setting as a key prefix; a path that leaves the store (absolute, `..`) is refused. */
function prefixOf(ref: DatasetRef, setting: string, value: string): string {
  const normal = path.posix.normalize(value.replace(/\\/g, '/')).replace(/^\.\/|\/+$/g, '');
  if (path.posix.isAbsolute(normal) || normal === '..' || normal.startsWith('../') || normal === '' || normal === '.') {
    throw new ConfigError('files.bad_folder', `dataset ${ref.source.source}.${ref.dataset.name}: ${setting} is ${JSON.stringify(value)}, which leaves the inbox or archive; write a folder name relative to it (e.g. ${ref.source.source}).`, { context: { source: ref.source.source, dataset: ref.dataset.name } });
  }
  return `${normal}/`;
}

/** The inbox and archive prefixes of a dataset, from its source's `config` and its `extract` settings. */
export function filesLocations(ref: DatasetRef, config: FilesConfig, extract: FilesExtract): FilesLocations {
  const sourceInbox = prefixOf(ref, 'config.inbox', config.inbox ?? ref.source.source);
  return {
    inbox: extract.inbox !== undefined ? prefixOf(ref, 'extract.inbox', extract.inbox) : `${sourceInbox}${ref.dataset.name}/`,
    sharedInbox: extract.inbox === undefined && extract.pattern !== undefined ? sourceInbox : undefined,
    archive: extract.archive !== undefined ? prefixOf(ref, 'extract.archive', extract.archive) : `${prefixOf(ref, 'config.archive', config.archive ?? ref.source.source)}${ref.dataset.name}/`,
  };
}

/** The keys directly under `prefix` (not in sub-folders) whose names match. */
export async function listInbox(store: ObjectStore, prefix: string, matches: (name: string) => boolean): Promise<string[]> {
  return (await store.list(prefix)).filter((key) => {
    const name = key.slice(prefix.length);
    return !name.includes('/') && matches(name);
  });
}

/** The archive folders of a run: imported files, files whose content was imported already, files that could not be read. */
export type ArchiveFolder = 'imported' | 'duplicates' | 'rejected';

/** `<archive><run>/`, `<archive>duplicates/<run>/` or `<archive>rejected/<run>/`. */
export function runArchivePrefix(archive: string, runId: string, folder: ArchiveFolder): string {
  return folder === 'imported' ? `${archive}${runId}/` : `${archive}${folder}/${runId}/`;
}

/** Where one of a run's files is now: in the inbox, or in one of the run's archive folders. */
export type FileAt = {
  readonly store: ObjectStore;
  readonly key: string;
  /** The run's archive folder it is in; undefined while it is in the inbox. */
  readonly archived: ArchiveFolder | undefined;
};

/**
 * The files earlier attempts of a run moved to its archive folders, by name. An attempt that failed after such a
 * move is retried from its checkpoint, which may still point at the file: the retry reads it from there.
 */
export async function listRunArchive(stores: FilesStores, archive: string, runId: string): Promise<ReadonlyMap<string, FileAt>> {
  const found = new Map<string, FileAt>();
  // rejected first, imported last: a name in two folders (never by the connector's own moves) is read as imported
  for (const folder of ['rejected', 'duplicates', 'imported'] as const) {
    const prefix = runArchivePrefix(archive, runId, folder);
    for (const key of await stores.archive.list(prefix)) {
      const name = key.slice(prefix.length);
      if (!name.includes('/')) found.set(name, { store: stores.archive, key, archived: folder });
    }
  }
  return found;
}

/** The file a move is about: its key as the run listed it in the inbox, its size and content hash, and its bytes when the caller holds them. */
export type MovedFile = { readonly listedAs: string; readonly size: number; readonly sha256: string; readonly bytes?: Buffer };

/**
 * Moves a file to the run's archive folder at `prefix` and returns its key there: written to the archive (from
 * `bytes` when the caller holds them, else copied inside the storage when it can — a file copy, a server-side
 * CopyObject — or in ranges, a multipart upload on S3), then deleted where it was. A large export never passes
 * through the function at its last chunk: a streamed copy of a gigabyte took memory and time the chunk did not have.
 * A file already there (moved by an earlier attempt of the run) stays; when that attempt failed between the copy
 * and the delete, the copy it left in the inbox is deleted now — if it is the same file (size and hash).
 */
export async function moveToArchive(stores: FilesStores, at: FileAt, prefix: string, file: MovedFile): Promise<string> {
  const target = `${prefix}${path.posix.basename(at.key)}`;
  if (at.archived !== undefined && at.key === target) {
    const left = await stores.inbox.head(file.listedAs);
    if (left !== undefined && left.bytes === file.size && (await fingerprintBytes((start) => readObjectFrom(stores.inbox, file.listedAs, start))).sha256 === file.sha256) {
      await stores.inbox.delete([file.listedAs]);
    }
    return target;
  }
  if (file.bytes !== undefined) await stores.archive.put(target, file.bytes);
  else if ((await stores.archive.copyFrom?.(at.store.location, at.key, target)) !== true) await stores.archive.putStream(target, readObjectFrom(at.store, at.key));
  await at.store.delete([at.key]);
  return target;
}
