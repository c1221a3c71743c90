import { copyFile, mkdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Moves a file into a folder (created when missing), across file systems too; returns the new path. */
export async function moveFile(file: string, folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  const target = path.join(folder, path.basename(file));
  try {
    await rename(file, target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(file, target);
    await unlink(file);
  }
  return target;
}
