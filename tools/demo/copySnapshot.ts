import { copyFile, mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';

/**
 * Copies the export files of a snapshot folder into an inbox, each under a `.tmp` name first and
 * then renamed, so the files connector (which ignores `.tmp` files) never reads half a file.
 * Returns the names copied.
 */
export async function copySnapshot(snapshotDir: string, inbox: string): Promise<string[]> {
  await mkdir(inbox, { recursive: true });
  const names = (await readdir(snapshotDir)).filter((name) => /\.(csv|tsv|json|jsonl|ndjson)$/i.test(name)).sort();
  for (const name of names) {
    const partial = path.join(inbox, `${name}.tmp`);
    await copyFile(path.join(snapshotDir, name), partial);
    await rename(partial, path.join(inbox, name));
  }
  return names;
}
