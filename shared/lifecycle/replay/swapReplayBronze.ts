import type { Db } from 'mongodb';

import { bronzeFiles } from '#bronze/bronzeFiles.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import { listBronzeCollections } from '../backup/exportBronze.ts';
import type { replayNames } from './replayNames.ts';

/**
 * Puts a rebuilt bronze collection in place: the dataset's collection is renamed aside (kept until
 * dropped), the replay's takes its name, and the replay's load markers join `_bronze_files`. The
 * MongoDB wire protocol has no transaction spanning two renames, so for a moment the collection is
 * absent; the dataset is held by the replay's run meanwhile, so no step reads it. Returns the old
 * collection's name, or null when there was none.
 */
export async function swapReplayBronze(db: Db, names: ReturnType<typeof replayNames>, collection: string): Promise<string | null> {
  try {
    const existing = new Set(await listBronzeCollections(db));
    let old: string | null = null;
    if (existing.has(collection)) {
      await db.collection(collection).rename(names.oldCollection);
      old = names.oldCollection;
    }
    await db.collection(names.collection).rename(collection);
    const markers = await bronzeFiles(db, names.markers).find({}).toArray();
    for (let start = 0; start < markers.length; start += 500) {
      await bronzeFiles(db).bulkWrite(markers.slice(start, start + 500).map((marker) => ({ replaceOne: { filter: { _id: marker._id }, replacement: marker, upsert: true } })), { ordered: false });
    }
    await db.collection(names.markers).drop().catch(() => undefined);
    return old;
  } catch (error) {
    throw translateMongoError(error);
  }
}
