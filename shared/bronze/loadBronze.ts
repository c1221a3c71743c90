import type { Collection, Db, Document } from 'mongodb';

import { ValidationError } from '#platform/errors.ts';
import { canonicalJson } from '#pipeline/records/canonicalJson.ts';
import { createKeyHasher, keyHashUuid, type KeyHashResult } from '#pipeline/records/computeKeyHash.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { hash128, hexToUuid } from '#pipeline/records/hash128.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { Logger } from '#platform/log.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { mongoDriver, translateMongoError } from '#platform/mongo/createMongoClient.ts';
import type { RawPartInfo, RawStore } from '#platform/raw/rawStore.ts';
import { toBronzeDocument } from './bronzeDocument.ts';
import { bronzeFiles } from './bronzeFiles.ts';
import { ensureBronzeIndexes } from './ensureBronzeIndexes.ts';

import { MAX_RECORDS_PER_PART } from '#pipeline/records/recordSeq.ts';

export { MAX_RECORDS_PER_PART };

export type BronzeCheckpoint = {
  /** The first part number the next call loads. */
  readonly nextPart: number;
  /** The record of that part the next call starts at (a large part is loaded across calls). Default: 0. */
  readonly offset?: number;
};

/** A slice of a part's records that was just loaded, for work done in the same pass (silver staging). */
export type LoadedSlice = {
  readonly info: RawPartInfo;
  readonly records: readonly unknown[];
  readonly start: number;
  readonly end: number;
  /** The part number that follows this part in the run (when `end` is the part's end), or this part's number + 1 after the last part. */
  readonly nextPart: number;
  /** True for the run's first records (the start of its first part). */
  readonly firstOfRun: boolean;
  /** True for the run's last records. */
  readonly lastOfRun: boolean;
  /** The key hash of each record of the slice (`keys[i]` is record `start + i`), computed once for both uses. */
  readonly keys: readonly KeyHashResult[];
};

export type LoadBronzeOptions = {
  readonly rawStore: RawStore;
  readonly db: Db;
  readonly dataset: DatasetRef;
  readonly run: { readonly runId: string; readonly startedAt: Date };
  /** Where a previous call stopped. Default: the first part. */
  readonly checkpoint?: BronzeCheckpoint | null;
  /** Epoch milliseconds after which no new slice is started (at least one slice is loaded per call). Default: none. */
  readonly deadline?: number;
  /** Documents per insertMany. Default: 1000. */
  readonly batchSize?: number;
  /** insertMany calls in flight at once (measured faster than one on two cores: docs/storage.md). Default: 2. */
  readonly connections?: number;
  /**
   * Records per slice: the deadline is checked between slices, and `alongside` sees one slice at a time.
   * Default: sized from the pace of the previous slice so that one takes about 3 s (500 to 20,000 records), so a
   * slow store — a busy machine — cannot push an invocation far past its deadline.
   */
  readonly sliceRecords?: number;
  /** Work done on each slice while its documents are inserted (silver stages the same records), awaited with them. */
  readonly alongside?: (slice: LoadedSlice) => Promise<void>;
  /** Milliseconds since the epoch. Default: Date.now. */
  readonly now?: () => number;
  /**
   * Where the documents and the load markers go. Default: the dataset's collection `<source>__<dataset>`
   * and `_bronze_files`. A replay loads into collections of its own and swaps them in at the end.
   */
  readonly into?: { readonly collection: string; readonly markers: string };
  readonly log?: Logger;
};

export type BronzeResult = {
  /** `continue` when the deadline stopped the load: call again with `checkpoint`. */
  readonly status: 'done' | 'continue';
  readonly checkpoint: BronzeCheckpoint | null;
  /** Parts loaded by this call. */
  readonly files: number;
  /** Parts skipped because an earlier load finished them. */
  readonly skippedFiles: number;
  /** Records read from the parts loaded by this call. */
  readonly read: number;
  /** Documents inserted (less than `read` when a crashed load had inserted some already). */
  readonly inserted: number;
  readonly collection: string;
};

/** A run's raw parts in part order: the manifest's when the run is complete, else what the store lists. */
export async function listRunParts(rawStore: RawStore, run: Parameters<RawStore['listParts']>[0]): Promise<readonly RawPartInfo[]> {
  const manifest = await rawStore.readManifest(run);
  const parts = manifest?.complete === true ? manifest.parts : await rawStore.listParts(run);
  return [...parts].sort((a, b) => a.part - b.part);
}

/** Inserts documents, skipping those already present (same `_id`); returns how many were new. */
async function insertNew(collection: Collection<Document>, documents: readonly Document[]): Promise<number> {
  try {
    const result = await collection.insertMany([...documents], { ordered: false });
    return result.insertedCount;
  } catch (error) {
    if (error instanceof mongoDriver().MongoBulkWriteError) {
      const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (errors.every((writeError) => writeError.code === 11000)) return error.result.insertedCount;
    }
    throw translateMongoError(error);
  }
}

/** Bounds and aim of the slices' size when it is sized from the pace (see `sliceRecords`). */
const MIN_SLICE_RECORDS = 500;
const MAX_SLICE_RECORDS = 20_000;
const SLICE_TARGET_MS = 3000;

type PartProgress = { readonly read: number; readonly inserted: number; readonly stoppedAt: number | null };

async function loadPart(options: LoadBronzeOptions, collection: Collection<Document>, hashKey: (record: unknown) => KeyHashResult, info: RawPartInfo, from: number, nextPart: number, first: boolean, last: boolean, pace: { records: number }): Promise<PartProgress> {
  const { runId } = options.run;
  const now = options.now ?? Date.now;
  const part = await options.rawStore.readPart(info.key);
  if (part.records.length > MAX_RECORDS_PER_PART) {
    throw new ValidationError('bronze.part_too_large', `Raw part ${info.key} holds ${part.records.length} records; at most ${MAX_RECORDS_PER_PART} per part are supported. Write smaller pages.`, { context: { key: info.key } });
  }
  const batchSize = options.batchSize ?? 1000;
  const loadedAt = new Date(now());
  const lanes = options.connections ?? 2;
  const insertBatch = (first: number, last: number, start: number, keys: readonly KeyHashResult[]): Promise<number> => {
    const documents = part.records.slice(first, last).map((record, offset) =>
      toBronzeDocument(record, {
        runId,
        loadedAt,
        rawFile: info.key,
        rawPart: info.part,
        rawIndex: first + offset,
        keyHash: keyHashUuid(keys[first + offset - start] as KeyHashResult),
        recordHash: hexToUuid(hash128(canonicalJson(record))),
      }),
    );
    return insertNew(collection, documents);
  };
  const insertRange = async (start: number, end: number, keys: readonly KeyHashResult[]): Promise<number> => {
    let inserted = 0;
    let next = start;
    // `lanes` batches in flight at once, each on its own connection of the client's pool.
    const lane = async (): Promise<void> => {
      for (let first = next; first < end; first = next) {
        next = first + batchSize;
        // Awaited first, then added: `inserted += await …` would read `inserted` before the other lane adds to it.
        const added = await insertBatch(first, Math.min(end, first + batchSize), start, keys);
        inserted += added;
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    return inserted;
  };
  let read = 0;
  let inserted = 0;
  let start = from;
  do {
    if (read > 0 && options.deadline !== undefined && now() >= options.deadline) return { read, inserted, stoppedAt: start };
    const end = Math.min(part.records.length, start + pace.records);
    const keys = part.records.slice(start, end).map(hashKey);
    const slice: LoadedSlice = { info, records: part.records, start, end, nextPart, firstOfRun: first && start === 0, lastOfRun: last && end === part.records.length, keys };
    const sliceStarted = now();
    const [count] = await Promise.all([insertRange(start, end, keys), options.alongside?.(slice)]);
    if (options.sliceRecords === undefined) {
      const msPerRecord = Math.max(0.001, (now() - sliceStarted) / Math.max(1, end - start));
      pace.records = Math.min(MAX_SLICE_RECORDS, Math.max(MIN_SLICE_RECORDS, Math.floor(SLICE_TARGET_MS / msPerRecord)));
    }
    inserted += count;
    read += end - start;
    start = end;
  } while (start < part.records.length);
  try {
    await bronzeFiles(options.db, options.into?.markers).updateOne(
      { _id: info.key },
      { $set: { source: options.dataset.source.source, dataset: options.dataset.dataset.name, run_id: runId, part: info.part, records: part.records.length, loaded_at: loadedAt } },
      { upsert: true },
    );
  } catch (error) {
    throw translateMongoError(error);
  }
  return { read, inserted, stoppedAt: null };
}

/**
 * Loads a run's raw parts into the bronze collection `<source>__<dataset>`, part by part in slices of
 * batches, so memory holds one part at a time. Reloading is a no-op: a finished part has a marker and is
 * skipped, and a part cut short by a crash is loaded again without duplicating documents. Stops starting
 * new slices after `deadline` and returns a checkpoint to continue from — inside a part when it is large.
 */
export async function loadBronze(options: LoadBronzeOptions): Promise<BronzeResult> {
  const { dataset, db, run } = options;
  const now = options.now ?? Date.now;
  const hashKey = createKeyHasher(resolveDatasetColumns(dataset).key);
  const name = options.into?.collection ?? datasetTableName(dataset.source.source, dataset.dataset.name);
  const collection = db.collection(name);
  await ensureBronzeIndexes(collection);
  const runRef = { source: dataset.source.source, dataset: dataset.dataset.name, runId: run.runId, startedAt: run.startedAt };
  const all = await listRunParts(options.rawStore, runRef);
  const firstPart = options.checkpoint?.nextPart ?? 0;
  const parts = all.filter((info) => info.part >= firstPart);

  const pace = { records: options.sliceRecords ?? 2000 };
  let files = 0;
  let skippedFiles = 0;
  let read = 0;
  let inserted = 0;
  for (const [position, info] of parts.entries()) {
    if (read + skippedFiles > 0 && options.deadline !== undefined && now() >= options.deadline) {
      options.log?.info('bronze.checkpoint', { run_id: run.runId, next_part: info.part, files, inserted });
      return { status: 'continue', checkpoint: { nextPart: info.part }, files, skippedFiles, read, inserted, collection: name };
    }
    const marker = await bronzeFiles(db, options.into?.markers).findOne({ _id: info.key }).catch((error: unknown) => {
      throw translateMongoError(error);
    });
    if (marker !== null) {
      skippedFiles += 1;
      continue;
    }
    const from = info.part === options.checkpoint?.nextPart ? (options.checkpoint.offset ?? 0) : 0;
    const nextPart = parts[position + 1]?.part ?? info.part + 1;
    const loaded = await loadPart(options, collection, hashKey, info, from, nextPart, info.part === all[0]?.part, position === parts.length - 1, pace);
    read += loaded.read;
    inserted += loaded.inserted;
    if (loaded.stoppedAt !== null) {
      options.log?.info('bronze.checkpoint', { run_id: run.runId, next_part: info.part, offset: loaded.stoppedAt, files, inserted });
      return { status: 'continue', checkpoint: { nextPart: info.part, offset: loaded.stoppedAt }, files, skippedFiles, read, inserted, collection: name };
    }
    files += 1;
  }
  options.log?.info('bronze.loaded', { run_id: run.runId, collection: name, files, skipped_files: skippedFiles, read, inserted });
  return { status: 'done', checkpoint: null, files, skippedFiles, read, inserted, collection: name };
}
