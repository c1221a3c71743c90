import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

import { NotFoundError } from '#platform/errors.ts';
import type { MetadataFileText } from './validateMetadata.ts';

const READ = /\.(ya?ml|sql)$/;

/**
 * Reads every YAML and SQL file under a metadata folder (hidden entries skipped), with paths relative
 * to the folder and `/` separators, ready for `validateMetadata`.
 */
export async function readMetadataFolder(directory: string): Promise<MetadataFileText[]> {
  const info = await stat(directory).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new NotFoundError('metadata.folder_missing', `Metadata folder ${directory} does not exist; pass the folder that holds your <source>.yml files (default: metadata/ of the project, or DP_METADATA_DIR).`, { context: { directory } });
  }
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files: MetadataFileText[] = [];
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(directory, full).split(path.sep).join('/');
    if (!entry.isFile() || !READ.test(entry.name) || relative.split('/').some((part) => part.startsWith('.') || part === 'node_modules')) {
      continue;
    }
    files.push({ path: relative, text: await readFile(full, 'utf8') });
  }
  return files;
}
