import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

import { BSON, type Db, type Document } from 'mongodb';

import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { BackupManifest, BronzeCollection } from '../archive/backupManifest.ts';
import { createStoredFileWriter } from '../archive/createStoredFileWriter.ts';
import { formatBytes } from '../archive/formatBytes.ts';
import type { BackupProgress } from './backupProgress.ts';

/** The bronze collections of a database: every collection but the server's own (`system.*`). */
export async function listBronzeCollections(db: Db): Promise<string[]> {
  try {
    const collections = await db.listCollections({}, { nameOnly: true }).toArray();
    return collections.map((collection) => collection.name).filter((name) => !name.startsWith('system.')).sort();
  } catch (error) {
    throw translateMongoError(error);
  }
}

async function* documentLines(db: Db, name: string, counter: { documents: number }): AsyncGenerator<string> {
  const cursor = db.collection<Document>(name).find({}).batchSize(2000);
  let lines = '';
  try {
    for await (const document of cursor) {
      counter.documents += 1;
      // Canonical Extended JSON keeps every BSON type (dates, int64, doubles) exactly.
      lines += `${BSON.EJSON.stringify(document, { relaxed: false })}\n`;
      if (lines.length >= 1 << 20) {
        yield lines;
        lines = '';
      }
    }
  } catch (error) {
    throw translateMongoError(error);
  }
  if (lines !== '') yield lines;
}

/**
 * Exports every bronze collection through the MongoDB driver (MongoDB or FerretDB, any backend):
 * documents as canonical Extended JSON lines, gzipped, stored in objects of at most 32 MiB, with the
 * collection's secondary indexes. Bronze writes are idempotent, so a copy taken while a load runs
 * restores to a state the bronze step can continue from.
 */
export async function exportBronze(options: { readonly db: Db; readonly objects: ObjectStore; readonly prefix: string; readonly progress?: BackupProgress }): Promise<BackupManifest['bronze']> {
  const collections: BronzeCollection[] = [];
  for (const name of await listBronzeCollections(options.db)) {
    const indexes = await options.db
      .collection(name)
      .indexes()
      .catch((error: unknown) => {
        throw translateMongoError(error);
      });
    const counter = { documents: 0 };
    const writer = createStoredFileWriter(options.objects, `${options.prefix}${name}.ejson.gz`, `${name}.ejson.gz`);
    await pipeline(Readable.from(documentLines(options.db, name, counter)), createGzip(), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) await writer.write(chunk);
    });
    const file = await writer.finish();
    collections.push({
      name,
      documents: counter.documents,
      indexes: indexes.filter((index) => index.name !== '_id_').map((index) => ({ name: String(index.name), key: index.key as Record<string, number | string>, ...(index.unique === true ? { unique: true } : {}) })),
      file,
    });
    options.progress?.({ phase: 'bronze', message: `${name}: ${counter.documents.toLocaleString('en-US')} documents, ${formatBytes(file.bytes)} gzipped` });
  }
  return { mode: 'driver', database: options.db.databaseName, collections };
}
