import type { Db } from 'mongodb';

import { deleteBronzeBefore } from './deleteBronzeBefore.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { RawStore } from '#platform/raw/rawStore.ts';

const DAY_MS = 86_400_000;

export type RetentionResult = {
  /** Raw runs removed (every part and the manifest of each). */
  readonly rawRuns: readonly string[];
  readonly bronzeDocuments: number;
  /** False when the deadline stopped bronze retention part-way; the next load goes on. */
  readonly complete: boolean;
};

/**
 * Applies a dataset's `retention`: raw runs that started on days wholly before now − `raw_days`, and
 * bronze documents loaded before now − `bronze_days`, are deleted. Silver and gold are never touched:
 * the history lives there. A dataset without retention keeps everything. Bronze documents go in index-served
 * batches, none started after `deadline`: what is left goes after the next load (`complete: false`).
 */
export async function applyRetention(options: { readonly rawStore: RawStore; readonly db: Db; readonly dataset: DatasetRef; readonly now: Date; readonly deadline?: number; readonly batchSize?: number }): Promise<RetentionResult> {
  const { source, dataset } = options.dataset;
  const retention = dataset.retention;
  const rawRuns =
    retention.raw_days === undefined
      ? []
      : await options.rawStore.deleteRunsBefore(source.source, dataset.name, new Date(options.now.getTime() - retention.raw_days * DAY_MS));
  const bronze =
    retention.bronze_days === undefined
      ? { documents: 0, complete: true }
      : await deleteBronzeBefore({
          db: options.db,
          source: source.source,
          dataset: dataset.name,
          before: new Date(options.now.getTime() - retention.bronze_days * DAY_MS),
          ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
          ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        });
  return { rawRuns, bronzeDocuments: bronze.documents, complete: bronze.complete };
}
