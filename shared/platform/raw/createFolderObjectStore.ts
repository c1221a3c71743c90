import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { ValidationError } from '../errors.ts';
import type { ObjectStore } from './objectStore.ts';

/** An object store in a local folder: keys are relative paths, writes go through a rename. */
export function createFolderObjectStore(root: string): ObjectStore {
  const base = path.resolve(root);
  const fileOf = (key: string): string => {
    const resolved = path.resolve(base, key);
    if (!resolved.startsWith(base + path.sep)) {
      throw new ValidationError('raw.bad_key', `Raw key ${JSON.stringify(key)} points outside the raw store.`);
    }
    return resolved;
  };

  const list = async (prefix: string): Promise<string[]> => {
    const dir = fileOf(prefix.endsWith('/') ? `${prefix}.` : prefix);
    try {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true });
      return entries
        .filter((entry) => entry.isFile() && !entry.name.endsWith('.tmp'))
        .map((entry) => path.relative(base, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
        .sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };

  return {
    location: pathToFileURL(base).toString(),

    get: async (key) => {
      try {
        return await readFile(fileOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },

    put: async (key, body) => {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(temporary, body);
      await rename(temporary, file);
    },

    list,

    listSizes: async (prefix) => {
      const sized: { key: string; bytes: number }[] = [];
      for (const key of await list(prefix)) {
        const info = await stat(fileOf(key)).catch(() => undefined);
        if (info !== undefined) sized.push({ key, bytes: info.size });
      }
      return sized;
    },

    delete: async (keys) => {
      await Promise.all(keys.map((key) => rm(fileOf(key), { force: true })));
    },
  };
}
