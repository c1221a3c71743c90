import type { Db, Document } from 'mongodb';

import { loadBronze } from '#bronze/loadBronze.ts';
import { buildGoldModel, type GoldBuildResult } from '#gold/buildGoldModel.ts';
import { getDataset } from '#metadata/catalog/getDataset.ts';
import { listDependentModels } from '#metadata/catalog/listDependentModels.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import { toErrorRecord } from '#pipeline/runStore/toErrorRecord.ts';
import { finishRun } from '#pipeline/runStore/finishRun.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { listMergedRuns, type MergedRun } from '#pipeline/runStore/listMergedRuns.ts';
import { newRunId } from '#pipeline/runStore/newRunId.ts';
import { datasetTableName } from '#metadata/datasetTableName.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import type { CopyIn } from '#platform/db/createCopyIn.ts';
import { sql, type DatabasePool } from '#platform/db/sql.ts';
import { ConfigError, ConflictError, NotFoundError } from '#platform/errors.ts';
import { translateMongoError } from '#platform/mongo/createMongoClient.ts';
import type { RawStore } from '#platform/raw/rawStore.ts';
import { createStopwatch } from '#platform/stopwatch.ts';
import { mergeSilverRecords, type SilverCounts } from '#silver/mergeSilverRecords.ts';
import type { BackupProgress } from '../backup/backupProgress.ts';
import { dropOldReplays } from './dropOldReplays.ts';
import { findMissingRaw, rawRunOf, type MissingRaw } from './findMissingRaw.ts';
import { keepHistoryBefore } from './keepHistoryBefore.ts';
import { readRawRecords } from './readRawRecords.ts';
import { replayNames, replayStamp } from './replayNames.ts';
import { finishReplay, insertReplay } from './replayRecords.ts';
import { swapReplayBronze } from './swapReplayBronze.ts';
import { swapReplayTable } from './swapReplayTable.ts';

export type ReplayDatasetOptions = {
  readonly pool: DatabasePool;
  /** COPY writer on the same database. */
  readonly copyIn: CopyIn;
  readonly bronze: Db;
  readonly rawStore: RawStore;
  readonly source: string;
  readonly dataset: string;
  /** Rebuild from this run on, keeping silver's history before it as it is. Default: the first run. */
  readonly from?: string;
  /** Drop the tables and collections this and earlier replays set aside. Default false. */
  readonly dropOld?: boolean;
  /** Default: the current time. */
  readonly now?: () => Date;
  readonly progress?: BackupProgress;
};

export type ReplayResult = {
  readonly replayId: string;
  readonly table: string;
  readonly from: string | null;
  /** The runs merged again, with what each did to the rebuilt table. */
  readonly runs: readonly { readonly runId: string; readonly boundaryAt: Date; readonly counts: SilverCounts }[];
  /** Versions carried over from before `from`. */
  readonly keptVersions: number;
  readonly oldTable: string | null;
  readonly oldCollection: string | null;
  readonly models: readonly GoldBuildResult[];
  readonly dropped: readonly string[];
  /** Milliseconds spent loading bronze and merging silver (every run), swapping, and rebuilding gold. */
  readonly timings: { readonly bronzeMs: number; readonly silverMs: number; readonly swapMs: number; readonly goldMs: number };
};

function describeMissing(source: string, dataset: string, runs: readonly MergedRun[], missing: readonly MissingRaw[], rawDays: number | undefined): string {
  const named = missing.slice(0, 5).map((entry) => (entry.parts.length === 0 ? `run ${entry.runId}: ${entry.folder} is gone` : `run ${entry.runId}: ${entry.parts.slice(0, 3).join(', ')}${entry.parts.length > 3 ? ` and ${entry.parts.length - 3} more` : ''} missing`));
  const lastMissing = Math.max(...missing.map((entry) => runs.findIndex((run) => run.runId === entry.runId)));
  const next = runs[lastMissing + 1];
  const why = rawDays === undefined ? '' : ` (its retention keeps raw files ${rawDays} days)`;
  const hint = next === undefined ? 'The last run cannot be rebuilt either, so silver cannot be replayed; it keeps its history as it is.' : `To rebuild from the runs whose raw files are all there and keep silver's history before them as it is: dp replay ${source}.${dataset} --from ${next.runId}`;
  return `Cannot replay ${source}.${dataset}: the history needs raw files that are no longer in the raw store${why} — ${named.join('; ')}${missing.length > 5 ? `; and ${missing.length - 5} more run(s)` : ''}. ${hint}`;
}

/** Copies the bronze documents of runs the replay does not load (runs before `--from`, runs that never reached silver) into the replay's collection. */
async function carryBronze(db: Db, from: string, to: string, replayed: readonly string[]): Promise<number> {
  let copied = 0;
  try {
    const cursor = db.collection<Document>(from).find({ _run_id: { $nin: [...replayed] } }).batchSize(2000);
    let batch: Document[] = [];
    for await (const document of cursor) {
      batch.push(document);
      if (batch.length >= 1000) {
        await db.collection(to).insertMany(batch, { ordered: false });
        copied += batch.length;
        batch = [];
      }
    }
    if (batch.length > 0) await db.collection(to).insertMany(batch, { ordered: false });
    return copied + batch.length;
  } catch (error) {
    throw translateMongoError(error);
  }
}

/**
 * Rebuilds one dataset's bronze and silver from its raw files under the metadata in force: every run
 * silver merged (from `from` on) is loaded and merged again, in the original order and at its original
 * boundary, with the platform's own bronze loader and silver merge, into a new collection and table;
 * both are swapped in when every run is done (the replaced ones are kept until `dropOld`), and the gold
 * models reading the dataset are rebuilt. While it works the dataset is held by a run of its own, so
 * triggers are recorded as skipped. Refuses, naming them, when raw files the history needs are gone.
 */
export async function replayDataset(options: ReplayDatasetOptions): Promise<ReplayResult> {
  const { pool, source, dataset } = options;
  const progress = options.progress ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const found = await getDataset(pool, source, dataset);
  if (found.retiredAt !== null) {
    throw new ConflictError('replay.dataset_retired', `Dataset \`${source}.${dataset}\` is retired from the metadata; put it back and \`dp metadata sync\` before replaying it.`, { context: { source, dataset } });
  }
  const ref = { source: found.source, dataset: found.dataset };
  const plan = resolveDatasetColumns(ref);
  const table = datasetTableName(source, dataset);
  const runs = await listMergedRuns(pool, source, dataset);
  if (runs.length === 0) {
    throw new NotFoundError('replay.no_runs', `Dataset \`${source}.${dataset}\` has no run that reached silver, so there is nothing to replay; run it with \`dp run ${source}.${dataset}\`.`, { context: { source, dataset } });
  }
  const fromIndex = options.from === undefined ? 0 : runs.findIndex((run) => run.runId === options.from);
  if (fromIndex < 0) {
    throw new NotFoundError('replay.run_not_found', `Run ${options.from} is not a run of \`${source}.${dataset}\` that reached silver; its runs are ${runs.slice(0, 3).map((run) => run.runId).join(', ')}${runs.length > 3 ? ` … ${runs.at(-1)?.runId}` : ''} (\`dp runs --source=${source}\`).`, { context: { from: options.from } });
  }
  const replayed = runs.slice(fromIndex);
  const missing = await findMissingRaw(options.rawStore, source, dataset, replayed);
  if (missing.length > 0) {
    throw new ConflictError('replay.raw_missing', describeMissing(source, dataset, runs, missing, found.dataset.retention.raw_days), { context: { source, dataset, runs: missing.map((entry) => entry.runId), parts: missing.flatMap((entry) => (entry.parts.length === 0 ? [entry.folder] : entry.parts)) } });
  }
  if (fromIndex > 0) await assertSameKey(pool, ref.dataset.key, runs[fromIndex - 1] as MergedRun, source, dataset);

  const started = now();
  const stamp = replayStamp(started);
  const names = replayNames(table, stamp);
  const replayId = newRunId(started.getTime());
  const held = await insertActiveRun(pool, { runId: replayId, kind: 'dataset', source, dataset, load: ref.dataset.load, trigger: 'manual', triggerDetail: { replay: true, from: options.from ?? null }, metadataVersion: found.versionId }, started);
  if (!held) {
    throw new ConflictError('replay.dataset_busy', `Dataset \`${source}.${dataset}\` has an active run; wait until it ends (\`dp runs --source=${source}\`) and replay again.`, { context: { source, dataset } });
  }
  await insertReplay(pool, { replayId, source, dataset, fromRun: options.from ?? null, runs: replayed.length, metadataVersion: found.versionId });
  progress({ phase: 'replay', message: `${source}.${dataset}: rebuilding ${replayed.length} run(s)${fromIndex > 0 ? ` from ${options.from}, keeping the history before it` : ''} under metadata version ${found.versionId} (replay ${replayId})` });

  try {
    await pool.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier(['replay', names.table])}`);
    await pool.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier([...names.rejects])}`);
    await pool.query(sql.unsafe`CREATE TABLE ${sql.identifier([...names.rejects])} (LIKE platform.rejects INCLUDING DEFAULTS INCLUDING IDENTITY)`);
    await options.bronze.collection(names.collection).drop().catch(() => undefined);
    await options.bronze.collection(names.markers).drop().catch(() => undefined);

    let keptVersions = 0;
    if (fromIndex > 0) {
      const kept = await keepHistoryBefore(pool, plan, table, (replayed[0] as MergedRun).boundaryAt, options.from as string);
      keptVersions = kept.versions;
      progress({ phase: 'replay', message: `kept ${kept.versions} version(s) from before ${options.from}; ${kept.rehashed} current row(s) rehashed under the new metadata` });
    }
    const carried = await carryBronze(options.bronze, table, names.collection, replayed.map((run) => run.runId));
    if (carried > 0) progress({ phase: 'replay', message: `bronze: carried ${carried} document(s) of runs not replayed` });

    // Every run replayed was merged once already, past the mass-deletion guard (or confirmed by a person).
    const merged: { runId: string; boundaryAt: Date; counts: SilverCounts }[] = [];
    const timings = { bronzeMs: 0, silverMs: 0, swapMs: 0, goldMs: 0 };
    const lap = createStopwatch();
    for (const [index, run] of replayed.entries()) {
      const raw = rawRunOf(source, dataset, run);
      lap();
      await loadBronze({ rawStore: options.rawStore, db: options.bronze, dataset: ref, run: { runId: run.runId, startedAt: run.createdAt }, into: { collection: names.collection, markers: names.markers }, now: () => run.createdAt.getTime() });
      timings.bronzeMs += lap();
      const result = await mergeSilverRecords({ pool, copyIn: options.copyIn, dataset: ref, runId: run.runId, batches: readRawRecords(options.rawStore, raw), into: { schema: names.schema, rejects: names.rejects }, deletions: { accept: true } });
      timings.silverMs += lap();
      merged.push({ runId: run.runId, boundaryAt: result.boundaryAt, counts: result.counts });
      const c = result.counts;
      progress({ phase: 'replay', message: `${index + 1}/${replayed.length} ${run.runId} at ${result.boundaryAt.toISOString()}: ${c.read} read, ${c.inserted} inserted, ${c.updated} updated, ${c.closed} closed, ${c.deleted} deleted, ${c.rejected} rejected` });
    }

    lap();
    const note = `silver.${table} as it was before replay ${replayId} (${started.toISOString()}); drop it with \`dp replay ${source}.${dataset} --drop-old\`.`;
    const oldTable = await swapReplayTable(pool, { names, source, dataset, runIds: replayed.map((run) => run.runId), note });
    const oldCollection = await swapReplayBronze(options.bronze, names, table);
    progress({ phase: 'swap', message: `silver.${table} and bronze ${table} replaced${oldTable === null ? '' : `; the previous ones are kept as silver_old.${oldTable} and bronze ${oldCollection}`}` });
    timings.swapMs = lap();
    await finishReplay(pool, { replayId, status: 'succeeded', oldTable, oldCollection, detail: { kept_versions: keptVersions, runs: merged.map((run) => ({ run_id: run.runId, ...run.counts })) } });

    const models: GoldBuildResult[] = [];
    for (const dependent of await listDependentModels(pool, { source, dataset })) {
      const built = await buildGoldModel(pool, dependent.model, dependent.sql);
      models.push(built);
      progress({ phase: 'gold', message: `${built.table} rebuilt: ${built.rows} rows` });
    }
    timings.goldMs = lap();
    await finishRun(pool, replayId, { status: 'succeeded' }, now());
    const dropped = options.dropOld === true ? await dropOldReplays(pool, options.bronze, source, dataset) : [];
    if (dropped.length > 0) progress({ phase: 'swap', message: `dropped ${dropped.join(', ')}` });
    return { replayId, table, from: options.from ?? null, runs: merged, keptVersions, oldTable, oldCollection, models, dropped, timings };
  } catch (error) {
    await pool.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier(['replay', names.table])}`).catch(() => undefined);
    await pool.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier([...names.rejects])}`).catch(() => undefined);
    await options.bronze.collection(names.collection).drop().catch(() => undefined);
    await options.bronze.collection(names.markers).drop().catch(() => undefined);
    await finishReplay(pool, { replayId, status: 'failed', error }).catch(() => undefined);
    await finishRun(pool, replayId, { status: 'failed', error: toErrorRecord(error) }, now()).catch(() => undefined);
    throw error;
  }
}

/** `--from` keeps silver's history keyed as it was: refused when the key changed since the last kept run. */
async function assertSameKey(pool: DatabasePool, key: readonly string[], lastKept: MergedRun, source: string, dataset: string): Promise<void> {
  if (lastKept.metadataVersion === null) return;
  const catalog = await loadCatalog(pool, { versionId: lastKept.metadataVersion });
  const before = catalog.metadata.sources.find((candidate) => candidate.source === source)?.datasets.find((candidate) => candidate.name === dataset);
  if (before !== undefined && before.key.join(',') !== key.join(',')) {
    throw new ConfigError('replay.key_changed', `The key of \`${source}.${dataset}\` changed from (${before.key.join(', ')}) to (${key.join(', ')}) since run ${lastKept.runId}; the history before --from is keyed the old way. Replay the whole history (without --from).`, { context: { source, dataset } });
  }
}
