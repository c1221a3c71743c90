import type { Db } from 'mongodb';

import { datasetTableName } from '#metadata/datasetTableName.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import { bronzeFiles } from './bronzeFiles.ts';

export type DeleteBronzeBeforeOptions = {
  readonly db: Db;
  readonly source: string;
  readonly dataset: string;
  readonly before: Date;
  /** Time (ms epoch) after which no new batch is started; the rest goes at the next call. Default: none. */
  readonly deadline?: number;
  /** Documents per delete. Default 5000. */
  readonly batchSize?: number;
};

/**
 * Bronze retention: deletes a dataset's documents (and file markers) loaded before `before`, in batches of
 * `_id`s found through the `_loaded_at` index, and starts no new batch after `deadline` — so retention fits
 * the step's budget and the next load goes on where this one stopped (`complete: false`).
 * Silver keeps its history; a deleted run can no longer be merged again from bronze.
 */
export async function deleteBronzeBefore(options: DeleteBronzeBeforeOptions): Promise<{ readonly documents: number; readonly files: number; readonly complete: boolean }> {
  const collection = options.db.collection(datasetTableName(options.source, options.dataset));
  const batchSize = options.batchSize ?? 5000;
  try {
    await collection.createIndex({ _loaded_at: 1 }, { name: 'bronze_loaded_at' });
    let documents = 0;
    let complete = false;
    for (;;) {
      const ids = (await collection.find({ _loaded_at: { $lt: options.before } }, { projection: { _id: 1 } }).limit(batchSize).toArray()).map((document) => document._id);
      if (ids.length > 0) documents += (await collection.deleteMany({ _id: { $in: ids } })).deletedCount;
      if (ids.length < batchSize) {
        complete = true;
        break;
      }
      if (options.deadline !== undefined && Date.now() >= options.deadline) break;
    }
    // A run's file markers go with its last documents, so a partly purged run is never taken as loaded.
    const files = complete ? (await bronzeFiles(options.db).deleteMany({ source: options.source, dataset: options.dataset, loaded_at: { $lt: options.before } })).deletedCount : 0;
    return { documents, files, complete };
  } catch (error) {
    throw translateMongoError(error);
  }
}
