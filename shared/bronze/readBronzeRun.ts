import type { Db, Document } from 'mongodb';

import { ValidationError } from '#platform/errors.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import { bronzeAuditSchema, type BronzeDocument } from './bronzeDocument.ts';

export type ReadBronzeRunOptions = {
  readonly db: Db;
  readonly source: string;
  readonly dataset: string;
  readonly runId: string;
  /** Documents fetched per round trip. Default: 2000. */
  readonly batchSize?: number;
};

/**
 * Streams the bronze documents of one run through a cursor, one batch at a time (memory holds one
 * batch), each checked against the audit-field schema. The order is the store's; callers that need
 * the received order use `_raw_part` and `_raw_index`.
 */
export async function* readBronzeRun(options: ReadBronzeRunOptions): AsyncGenerator<readonly BronzeDocument[]> {
  const name = datasetTableName(options.source, options.dataset);
  const batchSize = options.batchSize ?? 2000;
  const cursor = options.db.collection<Document>(name).find({ _run_id: options.runId }).batchSize(batchSize);
  try {
    let batch: BronzeDocument[] = [];
    while (true) {
      let document: Document | null;
      try {
        document = await cursor.next();
      } catch (error) {
        throw translateMongoError(error);
      }
      if (document === null) break;
      batch.push(parseDocument(name, document));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await cursor.close();
  }
}

function parseDocument(collection: string, document: Document): BronzeDocument {
  const parsed = bronzeAuditSchema.safeParse(document);
  if (!parsed.success) {
    throw new ValidationError('bronze.document_invalid', `Bronze document ${String(document._id)} in ${collection} lacks its audit fields (${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}); it was not written by the bronze loader.`, { context: { collection, id: String(document._id) } });
  }
  return parsed.data;
}
