import { MongoBulkWriteError, type Collection, type Db, type Document } from 'mongodb';

import { ValidationError } from '#platform/errors.ts';
import { canonicalJson } from '#pipeline/records/canonicalJson.ts';
import { createKeyHasher, keyHashUuid, type KeyHashResult } from '#pipeline/records/computeKeyHash.ts';
import { datasetTableName } from '#pipeline/records/datasetTableName.ts';
import { hash128, hexToUuid } from '#pipeline/records/hash128.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { Logger } from '#platform/log.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import type { RawPartInfo, RawStore } from '#platform/raw/rawStore.ts';
import { toBronzeDocument } from './bronzeDocument.ts';
import { bronzeFiles } from './bronzeFiles.ts';
import { ensureBronzeIndexes } from './ensureBronzeIndexes.ts';

/** Silver orders records by `part * MAX_RECORDS_PER_PART + index`, so a part may hold at most this many. */
export const MAX_RECORDS_PER_PART = 1_000_000;

export type BronzeCheckpoint = {
  /** The first part number the next call loads. */
  readonly nextPart: number;
};

export type LoadBronzeOptions = {
  readonly rawStore: RawStore;
  readonly db: Db;
  readonly dataset: DatasetRef;
  readonly run: { readonly runId: string; readonly startedAt: Date };
  /** Where a previous call stopped. Default: the first part. */
  readonly checkpoint?: BronzeCheckpoint | null;
  /** Epoch milliseconds after which no new part is started (at least one part is loaded per call). Default: none. */
  readonly deadline?: number;
  /** Documents per insertMany. Default: 1000. */
  readonly batchSize?: number;
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

async function partsOf(rawStore: RawStore, run: Parameters<RawStore['listParts']>[0]): Promise<readonly RawPartInfo[]> {
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
    if (error instanceof MongoBulkWriteError) {
      const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      if (errors.every((writeError) => writeError.code === 11000)) return error.result.insertedCount;
    }
    throw translateMongoError(error);
  }
}

async function loadPart(options: LoadBronzeOptions, collection: Collection<Document>, hashKey: (record: unknown) => KeyHashResult, info: RawPartInfo): Promise<{ read: number; inserted: number }> {
  const { runId } = options.run;
  const part = await options.rawStore.readPart(info.key);
  if (part.records.length > MAX_RECORDS_PER_PART) {
    throw new ValidationError('bronze.part_too_large', `Raw part ${info.key} holds ${part.records.length} records; at most ${MAX_RECORDS_PER_PART} per part are supported. Write smaller pages.`, { context: { key: info.key } });
  }
  const batchSize = options.batchSize ?? 1000;
  const loadedAt = new Date(options.now?.() ?? Date.now());
  let inserted = 0;
  for (let start = 0; start < part.records.length; start += batchSize) {
    const documents = part.records.slice(start, start + batchSize).map((record, offset) =>
      toBronzeDocument(record, {
        runId,
        loadedAt,
        rawFile: info.key,
        rawPart: info.part,
        rawIndex: start + offset,
        keyHash: keyHashUuid(hashKey(record)),
        recordHash: hexToUuid(hash128(canonicalJson(record))),
      }),
    );
    inserted += await insertNew(collection, documents);
  }
  try {
    await bronzeFiles(options.db, options.into?.markers).updateOne(
      { _id: info.key },
      { $set: { source: options.dataset.source.source, dataset: options.dataset.dataset.name, run_id: runId, part: info.part, records: part.records.length, loaded_at: loadedAt } },
      { upsert: true },
    );
  } catch (error) {
    throw translateMongoError(error);
  }
  return { read: part.records.length, inserted };
}

/**
 * Loads a run's raw parts into the bronze collection `<source>__<dataset>`, part by part in
 * batches, so memory holds one part at a time. Reloading is a no-op: a finished part has a marker
 * and is skipped, and a part cut short by a crash is loaded again without duplicating documents.
 * Stops starting new parts after `deadline` and returns a checkpoint to continue from.
 */
export async function loadBronze(options: LoadBronzeOptions): Promise<BronzeResult> {
  const { dataset, db, run } = options;
  const now = options.now ?? Date.now;
  const hashKey = createKeyHasher(resolveDatasetColumns(dataset).key);
  const name = options.into?.collection ?? datasetTableName(dataset.source.source, dataset.dataset.name);
  const collection = db.collection(name);
  await ensureBronzeIndexes(collection);
  const runRef = { source: dataset.source.source, dataset: dataset.dataset.name, runId: run.runId, startedAt: run.startedAt };
  const parts = (await partsOf(options.rawStore, runRef)).filter((info) => info.part >= (options.checkpoint?.nextPart ?? 0));

  let files = 0;
  let skippedFiles = 0;
  let read = 0;
  let inserted = 0;
  for (const info of parts) {
    if (files + skippedFiles > 0 && options.deadline !== undefined && now() >= options.deadline) {
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
    const loaded = await loadPart(options, collection, hashKey, info);
    files += 1;
    read += loaded.read;
    inserted += loaded.inserted;
  }
  options.log?.info('bronze.loaded', { run_id: run.runId, collection: name, files, skipped_files: skippedFiles, read, inserted });
  return { status: 'done', checkpoint: null, files, skippedFiles, read, inserted, collection: name };
}
