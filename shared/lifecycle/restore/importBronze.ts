import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';

import { BSON, type Db, type Document, type IndexDirection } from 'mongodb';

import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { BronzeCollection } from '../archive/backupManifest.ts';
import { readStoredFile } from '../archive/readStoredFile.ts';
import type { BackupProgress } from '../backup/backupProgress.ts';

const BATCH = 1000;

async function insertAll(db: Db, name: string, documents: Document[]): Promise<void> {
  if (documents.length === 0) return;
  try {
    await db.collection(name).insertMany(documents, { ordered: false });
  } catch (error) {
    throw translateMongoError(error);
  }
}

/** Reads the stored gzipped Extended JSON lines of one collection, handing out documents in batches. */
async function* documentBatches(target: ObjectStore, collection: BronzeCollection): AsyncGenerator<Document[]> {
  const gunzip = createGunzip();
  const feeding = readStoredFile(target, collection.file, async (bytes) => {
    if (!gunzip.write(bytes)) await new Promise((resolve) => gunzip.once('drain', resolve));
  }).then(
    () => gunzip.end(),
    (error: unknown) => gunzip.destroy(error as Error),
  );
  let rest = '';
  let batch: Document[] = [];
  for await (const chunk of Readable.from(gunzip)) {
    const lines = (rest + (chunk as Buffer).toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      batch.push(BSON.EJSON.parse(line, { relaxed: false }) as Document);
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  await feeding;
  if (rest.trim() !== '') batch.push(BSON.EJSON.parse(rest, { relaxed: false }) as Document);
  if (batch.length > 0) yield batch;
}

/**
 * Loads the exported bronze collections back through the driver, in batches, and recreates their
 * secondary indexes (after the documents: cheaper than maintaining them per insert). With `replace`
 * a collection of the same name is dropped first.
 */
export async function importBronze(options: { readonly db: Db; readonly target: ObjectStore; readonly collections: readonly BronzeCollection[]; readonly replace?: boolean; readonly progress?: BackupProgress }): Promise<void> {
  for (const collection of options.collections) {
    if (options.replace === true) {
      await options.db
        .collection(collection.name)
        .drop()
        .catch(() => undefined);
    }
    await options.db.createCollection(collection.name).catch(() => undefined);
    let loaded = 0;
    // Two batches in flight: the wire store works on one while the next is parsed and sent.
    let previous: Promise<void> = Promise.resolve();
    for await (const batch of documentBatches(options.target, collection)) {
      const insert = insertAll(options.db, collection.name, batch).then(() => {
        loaded += batch.length;
      });
      // Wait for the batch before this one (a failure surfaces here), then let this one run while the next is read.
      await previous;
      previous = insert;
      insert.catch(() => undefined);
    }
    await previous;
    for (const index of collection.indexes) {
      await options.db
        .collection(collection.name)
        .createIndex(index.key as Record<string, IndexDirection>, { name: index.name, ...(index.unique === true ? { unique: true } : {}) })
        .catch((error: unknown) => {
          throw translateMongoError(error);
        });
    }
    options.progress?.({ phase: 'bronze', message: `${collection.name}: ${loaded.toLocaleString('en-US')} documents restored` });
  }
}
