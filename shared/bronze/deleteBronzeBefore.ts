import type { Db, Filter } from 'mongodb';

import { datasetTableName } from '#metadata/datasetTableName.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import type { BronzeDocument } from './bronzeDocument.ts';
import { bronzeFiles } from './bronzeFiles.ts';

export type DeleteBronzeBeforeOptions = {
  readonly db: Db;
  readonly source: string;
  readonly dataset: string;
  readonly before: Date;
  /** Time (ms epoch) after which no new raw file's documents are deleted; the rest goes at the next call. Default: none. */
  readonly deadline?: number;
  /** Most documents one delete statement removes. Default DOCUMENTS_PER_DELETE (50,000). */
  readonly documentsPerDelete?: number;
};

/**
 * Documents of one raw file deleted by one statement, at most: FerretDB turns a delete into `DELETE … WHERE _id IN
 * (…)` with one parameter per document, and Postgres takes at most 65,535 (a `files` part may hold 100,000 records).
 */
export const DOCUMENTS_PER_DELETE = 50_000;

/** One raw file of a run, as bronze documents name it (`_run_id`, `_raw_file`). */
export type BronzeFileRef = { readonly runId: string; readonly rawFile: string };

/**
 * The documents of one raw file loaded before `before`, found by equality on `_run_id` and `_raw_file` — what the
 * bronze store serves without reading the whole collection: MongoDB from the `_run_id` index, FerretDB by handing
 * those two to Postgres (its filter pushdown). FerretDB pushes down no range (`_loaded_at < x`) and no list (`_id`
 * in […]): a filter of only those makes it read and test every document of the collection; here they only narrow
 * the file's own documents.
 */
export function bronzeFileFilter(file: BronzeFileRef, before: Date): Filter<BronzeDocument> {
  return { _run_id: file.runId, _raw_file: file.rawFile, _loaded_at: { $lt: before } };
}

/**
 * Bronze retention: deletes a dataset's documents (and load markers) loaded before `before`, one raw file at a time:
 * the files the load markers name as loaded before it, oldest first, each file's documents by `bronzeFileFilter`;
 * before a run's last old marker goes, what the run left without a marker (an attempt that failed in the middle of a
 * file) goes by `_run_id`. Every statement is an equality the store serves without reading the collection — no
 * search by `_loaded_at` alone, which costs FerretDB a read of every document of the collection. No new file
 * is started after `deadline` (one always is), so retention fits the step's budget and the next load goes on where
 * this one stopped (`complete: false`); a marker goes after its file's documents, so an interrupted pass is taken up
 * again. Documents of a run that failed before it finished its first raw file have no marker to be found by: they
 * stay. Silver keeps its history; a deleted run can no longer be merged again from bronze.
 */
export async function deleteBronzeBefore(options: DeleteBronzeBeforeOptions): Promise<{ readonly documents: number; readonly files: number; readonly complete: boolean }> {
  const collection = options.db.collection<BronzeDocument>(datasetTableName(options.source, options.dataset));
  const markers = bronzeFiles(options.db);
  const pastDeadline = (): boolean => options.deadline !== undefined && Date.now() >= options.deadline;
  const perDelete = options.documentsPerDelete ?? DOCUMENTS_PER_DELETE;
  let documents = 0;
  let files = 0;
  /** Deletes what `filter` matches in slices of `_raw_index`: up to `records` (a marker's count), else up to the first empty slice. */
  const deleteSliced = async (filter: Filter<BronzeDocument>, records?: number): Promise<void> => {
    for (let from = 0; ; from += perDelete) {
      const deleted = (await collection.deleteMany({ ...filter, _raw_index: { $gte: from, $lt: from + perDelete } })).deletedCount;
      documents += deleted;
      if (records === undefined ? deleted === 0 : from + perDelete >= records) return;
    }
  };
  try {
    const old = await markers.find({ source: options.source, dataset: options.dataset, loaded_at: { $lt: options.before } }).sort({ loaded_at: 1, _id: 1 }).toArray();
    const lastOfRun = new Map(old.map((marker) => [marker.run_id, marker._id]));
    for (const [index, marker] of old.entries()) {
      if (index > 0 && pastDeadline()) return { documents, files, complete: false };
      await deleteSliced(bronzeFileFilter({ runId: marker.run_id, rawFile: marker._id }, options.before), marker.records);
      if (lastOfRun.get(marker.run_id) === marker._id) await deleteSliced({ _run_id: marker.run_id, _loaded_at: { $lt: options.before } });
      files += (await markers.deleteOne({ _id: marker._id })).deletedCount;
    }
    return { documents, files, complete: true };
  } catch (error) {
    throw translateMongoError(error);
  }
}
