import type { Db } from 'mongodb';

import { datasetTableName } from '#metadata/datasetTableName.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import { bronzeFiles } from './bronzeFiles.ts';

/**
 * Bronze retention: deletes a dataset's documents (and file markers) loaded before `before`.
 * Silver keeps its history; a deleted run can no longer be merged again from bronze.
 */
export async function deleteBronzeBefore(options: { readonly db: Db; readonly source: string; readonly dataset: string; readonly before: Date }): Promise<{ readonly documents: number; readonly files: number }> {
  const name = datasetTableName(options.source, options.dataset);
  try {
    const documents = await options.db.collection(name).deleteMany({ _loaded_at: { $lt: options.before } });
    const files = await bronzeFiles(options.db).deleteMany({ source: options.source, dataset: options.dataset, loaded_at: { $lt: options.before } });
    return { documents: documents.deletedCount, files: files.deletedCount };
  } catch (error) {
    throw translateMongoError(error);
  }
}
