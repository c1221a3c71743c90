import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { ValidationError } from '../errors.ts';
import { objectGone, type ObjectStore } from './objectStore.ts';

/** An object store in a local folder: keys are relative paths, writes go through a rename. */
export function createFolderObjectStore(root: string): ObjectStore {
  const base = path.resolve(root);
  const fileOf = (key: string, root = base): string => {
    const resolved = path.resolve(root, key);
    if (!resolved.startsWith(root + path.sep)) {
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

  const missingAsUndefined = <T>(error: unknown): T | undefined => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
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

    putStream: async (key, chunks) => {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
      try {
        await pipeline(Readable.from(chunks), createWriteStream(temporary));
        await rename(temporary, file);
      } finally {
        await rm(temporary, { force: true });
      }
    },

    // A file copy (copy_file_range: the kernel copies, the process holds none of it), then a rename.
    copyFrom: async (sourceLocation, sourceKey, key) => {
      if (!sourceLocation.startsWith('file:')) return false;
      const source = fileOf(sourceKey, path.resolve(fileURLToPath(sourceLocation)));
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
      try {
        await copyFile(source, temporary);
        await rename(temporary, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (error as NodeJS.ErrnoException).path === source) throw objectGone(pathToFileURL(source).toString(), sourceKey);
        throw error;
      } finally {
        await rm(temporary, { force: true });
      }
      return true;
    },

    head: async (key) => {
      const info = await stat(fileOf(key)).catch(missingAsUndefined<never>);
      return info === undefined || !info.isFile() ? undefined : { bytes: info.size, version: `${info.size}-${Math.floor(info.mtimeMs)}` };
    },

    getRange: async (key, start, length) => {
      const handle = await open(fileOf(key), 'r').catch(missingAsUndefined<never>);
      if (handle === undefined) return undefined;
      try {
        const buffer = Buffer.allocUnsafe(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return filled === length ? buffer : Buffer.from(buffer.subarray(0, filled));
      } finally {
        await handle.close();
      }
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
