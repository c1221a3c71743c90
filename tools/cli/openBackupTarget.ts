import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Env } from '#platform/env.ts';
import { openObjectStore } from '#platform/raw/openObjectStore.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';

/** A backup location as typed (`s3://bucket/prefix`, `file:///…` or a folder path) as a URL. */
export function toLocationUrl(location: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : pathToFileURL(path.resolve(location)).href;
}

/** Opens a backup target: `--to` when given, else DP_BACKUP_URL. */
export function openBackupTarget(env: Env, location: string | undefined): ObjectStore {
  return location === undefined ? openObjectStore(env.backupUrl, env, 'DP_BACKUP_URL') : openObjectStore(toLocationUrl(location), env, '--to');
}

/**
 * Splits what `dp restore` was given into a target and a backup id: the folder of one backup
 * (`/mnt/usb/dp/backups/20261126T031500Z`, `s3://bucket/dp/backups/…`), or an id (or `latest`) in
 * `--from` or DP_BACKUP_URL.
 */
export function parseArchiveArgument(argument: string): { readonly location: string | undefined; readonly id: string } {
  const trimmed = argument.replace(/\/+$/, '');
  const match = /^(.*)\/backups\/([^/]+)$/.exec(trimmed);
  if (match !== null) return { location: match[1] === '' ? '/' : match[1], id: match[2] ?? '' };
  return { location: undefined, id: trimmed };
}
