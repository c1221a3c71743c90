import type { Db, Document } from 'mongodb';

import { ValidationError } from '../errors.ts';
import { datasetTableName } from '../layers/datasetTableName.ts';
import { translateMongoError } from '../mongo/createMongoClient.ts';
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
 * Streams the bronze documents of one run through a cursor (memory holds one batch), each checked
 * against the audit-field schema. The order is the store's; callers that need the received order
 * use `_raw_part` and `_raw_index`.
 */
export async function* readBronzeRun(options: ReadBronzeRunOptions): AsyncGenerator<BronzeDocument> {
  const name = datasetTableName(options.source, options.dataset);
  const cursor = options.db.collection<Document>(name).find({ _run_id: options.runId }).batchSize(options.batchSize ?? 2000);
  try {
    while (true) {
      let document: Document | null;
      try {
        document = await cursor.next();
      } catch (error) {
        throw translateMongoError(error);
      }
      if (document === null) return;
      const parsed = bronzeAuditSchema.safeParse(document);
      if (!parsed.success) {
        throw new ValidationError('bronze.document_invalid', `Bronze document ${String(document._id)} in ${name} lacks its audit fields (${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}); it was not written by the bronze loader.`, { context: { collection: name, id: String(document._id) } });
      }
      yield parsed.data;
    }
  } finally {
    await cursor.close();
  }
}
