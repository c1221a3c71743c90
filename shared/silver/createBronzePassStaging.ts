import type { LoadedSlice } from '#bronze/loadBronze.ts';
import type { WithCopyTransaction } from '#platform/db/createCopyTransaction.ts';
import type { DatabasePool } from '#platform/db/sql.ts';
import type { Logger } from '#platform/log.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { createStagingEncoder } from './createStagingEncoder.ts';
import { PlatformError } from '#platform/errors.ts';
import { openRunStaging, readRunStaging, type RunStaging } from './openRunStaging.ts';
import { partInputs } from './stageRunFromRaw.ts';
import { stageRunSlice } from './stageRunSlice.ts';

/**
 * Silver staging in bronze's pass: each slice bronze inserts is also staged for the run's silver merge
 * (stageRunSlice), so silver never reads the records back from bronze. The staging must stand exactly where
 * the slice starts; when it is ahead (an earlier attempt staged the slice) the slice is skipped, and when it
 * is behind (a gap) staging stops here — the silver step stages what is missing from raw.
 */
export function createBronzePassStaging(options: { readonly pool: () => Promise<DatabasePool>; readonly withCopy: WithCopyTransaction; readonly plan: DatasetColumns; readonly runId: string; readonly log: Logger }): (slice: LoadedSlice) => Promise<void> {
  const encoder = createStagingEncoder(options.plan);
  let staging: RunStaging | undefined;
  let stopped = false;
  let slices = 0;
  return async (slice) => {
    if (stopped) return;
    staging ??= await openRunStaging(await options.pool(), options.runId, options.plan);
    const { next } = staging;
    const sliceEnd = slice.end === slice.records.length ? { part: slice.nextPart, offset: 0 } : { part: slice.info.part, offset: slice.end };
    const atStart = next.part === slice.info.part && next.offset === slice.start;
    // A new run's staging stands at part 0, record 0: that is the start of its first part, whatever its number.
    const atRunStart = slice.firstOfRun && next.part <= slice.info.part && next.offset === 0 && staging.read === 0;
    const inside = next.part === slice.info.part && next.offset > slice.start && next.offset < slice.end;
    if (staging.complete || (next.part === sliceEnd.part && next.offset === sliceEnd.offset) || next.part > sliceEnd.part || (next.part === sliceEnd.part && next.offset > sliceEnd.offset)) return;
    if (!atStart && !atRunStart && !inside) {
      stopped = true;
      options.log.warn('bronze.staging_gap', { staged_to_part: next.part, staged_to_offset: next.offset, slice_part: slice.info.part, slice_start: slice.start, note: 'the silver step stages the rest from raw' });
      return;
    }
    const start = inside ? next.offset : slice.start;
    const from = staging;
    staging = await stageRunSlice({
      withCopy: options.withCopy,
      plan: options.plan,
      staging,
      encoder,
      firstOfEncoder: slices === 0,
      from: next,
      to: sliceEnd,
      inputs: partInputs(slice.info, slice.records, start, slice.end, { from: slice.start, results: slice.keys }),
      complete: slice.lastOfRun,
    }).catch(async (error: unknown) => {
      // Another invocation of this run (a straggler past its timeout, a redelivery) staged these records first.
      if (!(error instanceof PlatformError && error.code === 'silver.staging_moved')) throw error;
      options.log.info('bronze.staging_moved', { run_id: options.runId, note: 'another invocation staged this slice; going on from where the staging stands' });
      return (await readRunStaging(await options.pool(), options.runId)) ?? from;
    });
    slices += 1;
  };
}
