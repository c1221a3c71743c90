import path from 'node:path';

import type { Env } from '#platform/env.ts';
import { ConfigError } from '#platform/errors.ts';
import { readObjectFrom, type ObjectStore } from '#platform/raw/objectStore.ts';
import { openObjectStore } from '#platform/raw/openObjectStore.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { FilesConfig, FilesExtract } from './filesSettings.ts';

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

/** Moves an object (whose bytes the caller holds) from the inbox to `<archivePrefix><name>`; returns the new key. */
export async function archiveObject(stores: FilesStores, key: string, bytes: Buffer, archivePrefix: string): Promise<string> {
  const target = `${archivePrefix}${path.posix.basename(key)}`;
  await stores.archive.put(target, bytes);
  await stores.inbox.delete([key]);
  return target;
}

/**
 * Moves an object from the inbox to `<archivePrefix><name>` without holding it: copied in ranges into the archive
 * (a multipart upload on S3), then deleted from the inbox; returns the new key.
 */
export async function archiveStreamed(stores: FilesStores, key: string, archivePrefix: string): Promise<string> {
  const target = `${archivePrefix}${path.posix.basename(key)}`;
  await stores.archive.putStream(target, readObjectFrom(stores.inbox, key));
  await stores.inbox.delete([key]);
  return target;
}
