import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { Source } from '#metadata/schema.ts';
import { putInboxFiles } from '#tools/inbox/putInboxFiles.ts';

/**
 * Puts the export files of a snapshot folder into the source's inbox (as `dp inbox put <source>` does: each
 * object whole, so the files connector never reads half a file). Returns the names put.
 */
export async function copySnapshot(snapshotDir: string, inbox: ObjectStore, source: Source): Promise<string[]> {
  const names = (await readdir(snapshotDir)).filter((name) => /\.(csv|tsv|json|jsonl|ndjson)$/i.test(name)).sort();
  const files = await Promise.all(names.map(async (name) => ({ name, bytes: await readFile(path.join(snapshotDir, name)) })));
  await putInboxFiles(inbox, source, undefined, files);
  return names;
}
