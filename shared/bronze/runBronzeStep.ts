import { z } from 'zod';

import { loadBronze, type LoadedSlice } from './loadBronze.ts';
import { ValidationError } from '#platform/errors.ts';
import { applyRetention } from './applyRetention.ts';
import { createLogger, type Logger } from '#platform/log.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { StepRunner } from '#pipeline/steps.ts';
import { loadDatasetStepRun } from '#pipeline/loadDatasetStepRun.ts';
import { resolveDatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { createStagingEncoder } from '#silver/createStagingEncoder.ts';
import { openRunStaging, type RunStaging } from '#silver/openRunStaging.ts';
import { partInputs } from '#silver/stageRunFromRaw.ts';
import { stageRunSlice } from '#silver/stageRunSlice.ts';
import type { WithCopyTransaction } from '#platform/db/createCopyTransaction.ts';
import type { DatabasePool } from '#platform/db/sql.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';

const checkpointSchema = z.strictObject({ nextPart: z.number().int().min(0), offset: z.number().int().min(0).optional() });

/** Milliseconds kept free at the end of the budget: a slice that starts just before the deadline still has to be written. */
const SLICE_RESERVE_MS = 3000;

/**
 * Silver staging in bronze's pass: each slice bronze inserts is also staged for the run's silver merge
 * (stageRunSlice), so silver never reads the records back from bronze. The staging must stand exactly where
 * the slice starts; when it is ahead (an earlier attempt staged the slice) the slice is skipped, and when it
 * is behind (a gap) staging stops here — the silver step stages what is missing from raw.
 */
function createStagingAlongside(options: { readonly pool: DatabasePool; readonly withCopy: WithCopyTransaction; readonly plan: DatasetColumns; readonly runId: string; readonly log: Logger }): (slice: LoadedSlice) => Promise<void> {
  const encoder = createStagingEncoder(options.plan);
  let staging: RunStaging | undefined;
  let stopped = false;
  let slices = 0;
  return async (slice) => {
    if (stopped) return;
    staging ??= await openRunStaging(options.pool, options.runId, options.plan);
    const { next } = staging;
    const sliceEnd = slice.end === slice.records.length ? { part: slice.nextPart, offset: 0 } : { part: slice.info.part, offset: slice.end };
    const atStart = next.part === slice.info.part && next.offset === slice.start;
    // A new run's staging stands at part 0, record 0: that is the start of its first part, whatever its number.
    const atRunStart = next.part <= slice.info.part && next.offset === 0 && slice.start === 0 && staging.read === 0 && staging.chunks === 0;
    const inside = next.part === slice.info.part && next.offset > slice.start && next.offset < slice.end;
    if (staging.complete || (next.part === sliceEnd.part && next.offset === sliceEnd.offset) || next.part > sliceEnd.part || (next.part === sliceEnd.part && next.offset > sliceEnd.offset)) return;
    if (!atStart && !atRunStart && !inside) {
      stopped = true;
      options.log.warn('bronze.staging_gap', { staged_to_part: next.part, staged_to_offset: next.offset, slice_part: slice.info.part, slice_start: slice.start, note: 'the silver step stages the rest from raw' });
      return;
    }
    const start = inside ? next.offset : slice.start;
    staging = await stageRunSlice({
      withCopy: options.withCopy,
      plan: options.plan,
      staging,
      encoder,
      firstOfEncoder: slices === 0,
      from: next,
      to: sliceEnd,
      inputs: partInputs(slice.info, slice.records, start, slice.end),
      complete: slice.lastOfRun,
    });
    slices += 1;
  };
}

/**
 * The bronze step: loads the run's raw parts into the bronze collection `<source>__<dataset>`
 * (shared/bronze), slice by slice, and stages the same records for the run's silver merge in the same
 * pass; near the deadline it stops with a checkpoint (the next part, and the record offset inside it).
 * Reloading is a no-op (loaded parts are marked, staged slices are recorded), so a redelivered chunk
 * changes nothing. When the run is loaded it applies the dataset's retention (older raw runs and bronze
 * documents; see applyRetention).
 * Counts: `read` records read from raw, `inserted` documents written, `unchanged` records already in bronze.
 */
export const runBronzeStep: StepRunner<FunctionResources> = async (context, resources) => {
  const pool = await resources.pool();
  const run = await loadDatasetStepRun(pool, context.request);
  const parsed = context.request.checkpoint === undefined || context.request.checkpoint === null ? undefined : checkpointSchema.safeParse(context.request.checkpoint);
  if (parsed !== undefined && !parsed.success) {
    throw new ValidationError('bronze.bad_checkpoint', `The bronze checkpoint of run ${run.runId} is not one the bronze step wrote (${parsed.error.issues[0]?.message}); dispatch chunk 0 again, reloading is a no-op.`, { context: { runId: run.runId } });
  }
  const log = createLogger().child({ run_id: run.runId, source: run.raw.source, dataset: run.raw.dataset, chunk: context.request.chunk });
  const result = await loadBronze({
    rawStore: resources.rawStore(),
    db: await resources.mongo(),
    dataset: run.ref,
    run: { runId: run.runId, startedAt: run.raw.startedAt },
    checkpoint: parsed?.data ?? null,
    deadline: context.deadline - SLICE_RESERVE_MS,
    alongside: createStagingAlongside({ pool, withCopy: resources.copyTransaction(), plan: resolveDatasetColumns(run.ref), runId: run.runId, log }),
    log,
  });
  const counts = { read: result.read, inserted: result.inserted, unchanged: result.read - result.inserted };
  const detail = { collection: result.collection, files: result.files, skipped_files: result.skippedFiles };
  if (result.status === 'continue' && result.checkpoint !== null) {
    return { status: 'continue', checkpoint: result.checkpoint, counts, detail };
  }
  // Once a run is in bronze, what the dataset's retention allows to go goes: older raw runs and bronze documents.
  const retention = await applyRetention({ rawStore: resources.rawStore(), db: await resources.mongo(), dataset: run.ref, now: new Date() });
  const removed = retention.rawRuns.length > 0 || retention.bronzeDocuments > 0 ? { retention: { raw_runs_deleted: retention.rawRuns.length, bronze_documents_deleted: retention.bronzeDocuments } } : {};
  return { status: 'done', counts, detail: { ...detail, ...removed } };
};
