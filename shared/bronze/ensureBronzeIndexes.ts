import type { Collection, Document } from 'mongodb';

import { translateMongoError } from '#platform/mongo/createMongoClient.ts';

/**
 * Creates the indexes of a bronze collection (idempotent): `_run_id` (silver reads one run) and
 * `_key_hash` (every received version of one record). `_id` is `<raw file>#<index>` and unique.
 */
export async function ensureBronzeIndexes(collection: Collection<Document>): Promise<void> {
  try {
    // One call per index: FerretDB 1.24 drops the connection when createIndexes is given several
    // indexes that already exist, while createIndex of an existing index is a no-op.
    await collection.createIndex({ _run_id: 1 }, { name: 'bronze_run_id' });
    await collection.createIndex({ _key_hash: 1 }, { name: 'bronze_key_hash' });
  } catch (error) {
    throw translateMongoError(error);
  }
}
