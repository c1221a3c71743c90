import type { Db } from 'mongodb';

import { deleteBronzeBefore } from './deleteBronzeBefore.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { RawStore, RawUsage } from '#platform/raw/rawStore.ts';

const DAY_MS = 86_400_000;

export type RetentionResult = {
  /** Raw runs removed (every part and the manifest of each). */
  readonly rawRuns: readonly string[];
  /** Raw part files gzipped by this pass (`raw_compress_days`). */
  readonly rawCompressed: number;
  readonly bronzeDocuments: number;
  /** The dataset's raw files after the pass: what `dp status` reports. */
  readonly rawUsage: RawUsage;
  /** False when the deadline stopped bronze retention part-way; the next load goes on. */
  readonly complete: boolean;
};

/**
 * Applies a dataset's `retention`: raw runs that started on days wholly before now − `raw_days` are deleted,
 * then the part files of runs older than `raw_compress_days` are gzipped (readers see them as before; a pass
 * stops compressing at `deadline`, the next one goes on), and bronze documents loaded before now −
 * `bronze_days` are deleted raw file by raw file with filters the store serves without reading the collection
 * (`deleteBronzeBefore`), none started after `deadline` (what is left goes after the next load: `complete: false`). Silver and gold are never touched: the history lives there. A dataset without
 * retention keeps everything. Ends by measuring the dataset's raw files.
 */
export async function applyRetention(options: { readonly rawStore: RawStore; readonly db: Db; readonly dataset: DatasetRef; readonly now: Date; readonly deadline?: number }): Promise<RetentionResult> {
  const { source, dataset } = options.dataset;
  const retention = dataset.retention;
  const before = (days: number): Date => new Date(options.now.getTime() - days * DAY_MS);
  const rawRuns = retention.raw_days === undefined ? [] : await options.rawStore.deleteRunsBefore(source.source, dataset.name, before(retention.raw_days));
  const compressed =
    retention.raw_compress_days === undefined
      ? { files: 0 }
      : await options.rawStore.compressRunsBefore(source.source, dataset.name, before(retention.raw_compress_days), ...(options.deadline === undefined ? [] : [options.deadline]));
  const bronze =
    retention.bronze_days === undefined
      ? { documents: 0, complete: true }
      : await deleteBronzeBefore({
          db: options.db,
          source: source.source,
          dataset: dataset.name,
          before: before(retention.bronze_days),
          ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
        });
  return { rawRuns, rawCompressed: compressed.files, bronzeDocuments: bronze.documents, rawUsage: await options.rawStore.measure(source.source, dataset.name), complete: bronze.complete };
}
