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
    // One marker per command, never a bulk write: FerretDB 1.24 keeps each matched statement's query open until
    // the whole update command ends, one Postgres connection per statement, so a command replacing more markers
    // than its connection pool holds waits for a connection forever and wedges the server for every client.
    for (const marker of markers) await bronzeFiles(db).replaceOne({ _id: marker._id }, marker, { upsert: true });
    await db.collection(names.markers).drop().catch(() => undefined);
    return old;
  } catch (error) {
    throw translateMongoError(error);
  }
}
