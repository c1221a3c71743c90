/**
 * Test harness for the layers: a throwaway Postgres database, a throwaway MongoDB database and a
 * raw store in a temporary folder, with a helper that takes records through raw → bronze → silver
 * exactly as a run does.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { toErrorRecord } from '#pipeline/runStore/toErrorRecord.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { getRun } from '#pipeline/runStore/getRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { loadBronze } from '#bronze/loadBronze.ts';
import { createCopyIn, type CopyIn } from '#platform/db/createCopyIn.ts';
import { datasetSchema, sourceSchema, type DatasetRef } from '#metadata/schema.ts';
import { createFolderObjectStore } from '#platform/raw/createFolderObjectStore.ts';
import { createRawStore } from '#platform/raw/createRawStore.ts';
import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { RawStore } from '#platform/raw/rawStore.ts';
import { mergeSilver } from '#silver/mergeSilver.ts';
import type { DeletionPolicy } from '#silver/guardDeletions.ts';
import type { SilverMergeResult } from '#silver/mergeSilverRecords.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from './database.ts';

export type LayerHarness = {
  readonly db: TestDatabase;
  readonly mongo: TestMongo;
  readonly rawStore: RawStore;
  /** The objects under the raw store (what a backup copies). */
  readonly rawObjects: ObjectStore;
  readonly copyIn: CopyIn;
  /** Writes `records` as a run's raw parts and loads them into bronze (the run is created, left running). */
  readonly loadRun: (dataset: DatasetRef, records: readonly unknown[], options?: RunOptions) => Promise<{ runId: string; boundaryAt: Date }>;
  /** Writes `records` as a run's raw parts, loads them into bronze and merges the run into silver. */
  readonly runSnapshot: (dataset: DatasetRef, records: readonly unknown[], options?: RunOptions) => Promise<SilverMergeResult>;
  readonly drop: () => Promise<void>;
};

export type RunOptions = {
  /** Default: day N after 2026-01-01 for the Nth run of the harness. */
  readonly boundaryAt?: Date;
  /** Records per raw part. Default: 3, so most runs span several parts. */
  readonly partSize?: number;
  readonly runId?: string;
  /** Passed to the merge: whether a full snapshot may delete more than the dataset's max_delete_share. */
  readonly deletions?: DeletionPolicy;
};

/** A dataset reference built from YAML-shaped metadata (defaults applied by the real schemas). */
export function makeDataset(source: string, dataset: Record<string, unknown>): DatasetRef {
  const parsedDataset = datasetSchema.parse(dataset);
  return { source: sourceSchema.parse({ source, connector: 'files', datasets: [dataset] }), dataset: parsedDataset };
}

/** Day `n` after 2026-01-01 at noon UTC: the boundary of the nth run in tests. */
export function day(n: number): Date {
  return new Date(Date.UTC(2026, 0, 1 + n, 12));
}

export async function createLayerHarness(): Promise<LayerHarness> {
  const [db, mongo] = await Promise.all([createTestDatabase(), createTestMongo()]);
  const root = await mkdtemp(path.join(os.tmpdir(), 'dp-layers-'));
  const rawObjects = createFolderObjectStore(root);
  const rawStore = createRawStore(rawObjects);
  const copyIn = createCopyIn(db.url);
  let runs = 0;
  const loadRun = async (dataset: DatasetRef, records: readonly unknown[], options: RunOptions): Promise<{ runId: string; boundaryAt: Date }> => {
    runs += 1;
    const boundaryAt = options.boundaryAt ?? day(runs);
    const runId = options.runId ?? `run-${String(runs).padStart(3, '0')}`;
    const run = { source: dataset.source.source, dataset: dataset.dataset.name, runId, startedAt: boundaryAt };
    if ((await getRun(db.pool, runId)) === null) {
      await insertActiveRun(db.pool, { runId, kind: 'dataset', source: run.source, dataset: run.dataset, load: dataset.dataset.load, trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
    }
    const partSize = options.partSize ?? 3;
    // An empty snapshot is delivered as one empty part, as connectors do.
    for (let start = 0, part = 0; start < records.length || part === 0; start += partSize, part += 1) {
      await rawStore.writePart(run, part, records.slice(start, start + partSize));
    }
    await rawStore.writeManifest(run, true);
    await loadBronze({ rawStore, db: mongo.db, dataset, run });
    return { runId, boundaryAt };
  };
  return {
    db,
    mongo,
    rawStore,
    rawObjects,
    copyIn,
    loadRun: (dataset, records, options = {}) => loadRun(dataset, records, options),
    runSnapshot: async (dataset, records, options = {}) => {
      const { runId, boundaryAt } = await loadRun(dataset, records, options);
      try {
        const result = await mergeSilver({ pool: db.pool, copyIn, db: mongo.db, dataset, runId, boundaryAt, ...(options.deletions === undefined ? {} : { deletions: options.deletions }) });
        await finishRun(db.pool, runId, { status: 'succeeded' }, new Date());
        return result;
      } catch (error) {
        await finishRun(db.pool, runId, { status: 'failed', error: toErrorRecord(error) }, new Date());
        throw error;
      }
    },
    drop: async () => {
      await Promise.all([db.drop(), mongo.drop(), rm(root, { recursive: true, force: true })]);
    },
  };
}
