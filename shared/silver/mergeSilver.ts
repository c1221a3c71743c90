import type { Db } from 'mongodb';

import { bronzeFiles } from '#bronze/bronzeFiles.ts';
import { MAX_RECORDS_PER_PART } from '#bronze/loadBronze.ts';
import { readBronzeRun } from '#bronze/readBronzeRun.ts';
import { toReceivedRecord } from '#bronze/bronzeDocument.ts';
import type { CopyIn } from '#platform/db/createCopyIn.ts';
import type { DatabasePool } from '#platform/db/sql.ts';
import { ConflictError } from '#platform/errors.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import { mergeSilverRecords, type MergeSilverRecordsOptions, type SilverMergeResult } from './mergeSilverRecords.ts';
import type { SilverInput } from './stageSilverBatch.ts';

export type MergeSilverOptions = {
  readonly pool: DatabasePool;
  readonly copyIn: CopyIn;
  /** The bronze database. */
  readonly db: Db;
  readonly dataset: DatasetRef;
  readonly runId: string;
  /** Boundary to fix when the run has none yet. Default: the time the merge transaction takes its lock. */
  readonly boundaryAt?: Date;
} & Pick<MergeSilverRecordsOptions, 'beforeCommit' | 'deletions' | 'workMem' | 'log'>;

async function* bronzeInputs(options: MergeSilverOptions): AsyncGenerator<readonly SilverInput[]> {
  for await (const documents of readBronzeRun({ db: options.db, source: options.dataset.source.source, dataset: options.dataset.dataset.name, runId: options.runId })) {
    yield documents.map((document) => ({ seq: document._raw_part * MAX_RECORDS_PER_PART + document._raw_index, record: toReceivedRecord(document), origin: document._id }));
  }
}

/**
 * The silver step: streams the run's bronze documents (`_run_id` = run) through a cursor and merges
 * them into silver (see mergeSilverRecords). Records are ordered by raw part and position, so the
 * last received record of a key wins whatever order the store returns them in.
 */
export async function mergeSilver(options: MergeSilverOptions): Promise<SilverMergeResult> {
  const { source, dataset } = options.dataset;
  if (dataset.load === 'full') {
    // An empty full snapshot deletes every key; make sure it really was delivered empty, and that the
    // run's bronze was not purged by retention or never loaded.
    const files = await bronzeFiles(options.db)
      .countDocuments({ run_id: options.runId, source: source.source, dataset: dataset.name })
      .catch((error: unknown) => {
        throw translateMongoError(error);
      });
    if (files === 0) {
      throw new ConflictError('silver.bronze_missing', `Run ${options.runId} of ${source.source}.${dataset.name} has no loaded raw parts in bronze, and merging nothing as a full snapshot would delete every key. Load the run into bronze first (an empty snapshot is one empty part), or start a new run.`, { context: { runId: options.runId } });
    }
  }
  const { db: _db, ...rest } = options;
  return mergeSilverRecords({ ...rest, batches: bronzeInputs(options) });
}
