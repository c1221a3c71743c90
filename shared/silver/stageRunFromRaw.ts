import type { WithCopyTransaction } from '#platform/db/createCopyTransaction.ts';
import type { Logger } from '#platform/log.ts';
import type { RawPartInfo, RawStore } from '#platform/raw/rawStore.ts';
import type { KeyHashResult } from '#pipeline/records/computeKeyHash.ts';
import { recordSeq } from '#pipeline/records/recordSeq.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { createStagingEncoder } from './createStagingEncoder.ts';
import type { RunStaging } from './openRunStaging.ts';
import { stageRunSlice } from './stageRunSlice.ts';
import type { SilverInput } from './stageSilverBatch.ts';

/** The records of a part from `start` to `end`, as silver inputs (origin = the bronze document id). */
export function* partInputs(info: RawPartInfo, records: readonly unknown[], start: number, end: number, keys?: { readonly from: number; readonly results: readonly KeyHashResult[] }): Generator<SilverInput> {
  for (let index = start; index < end; index += 1) {
    const key = keys?.results[index - keys.from];
    yield key === undefined ? { seq: recordSeq(info.part, index), record: records[index], origin: `${info.key}#${index}` } : { seq: recordSeq(info.part, index), record: records[index], origin: `${info.key}#${index}`, key };
  }
}

export type StageRunFromRawOptions = {
  readonly withCopy: WithCopyTransaction;
  readonly rawStore: RawStore;
  readonly plan: DatasetColumns;
  readonly staging: RunStaging;
  /** The run's raw parts, in part order. */
  readonly parts: readonly RawPartInfo[];
  /** Epoch milliseconds after which no new slice is started (at least one is staged per call). */
  readonly deadline: number;
  /** Records per slice (one transaction each). Default: 20000. */
  readonly sliceRecords?: number;
  readonly now?: () => number;
  readonly log?: Logger;
};

/**
 * Stages a run's records for its silver merge straight from its raw parts, from where the staging stands
 * (the records bronze holds, as received: raw is what bronze was loaded from), slice by slice — one
 * transaction each, see stageRunSlice — until every part is staged or the deadline passes. Memory holds
 * one part. Returns the staging as it stands; `complete` says whether the merge may run.
 */
export async function stageRunFromRaw(options: StageRunFromRawOptions): Promise<RunStaging> {
  const now = options.now ?? Date.now;
  const sliceRecords = options.sliceRecords ?? 20_000;
  const encoder = createStagingEncoder(options.plan);
  let staging = options.staging;
  let slices = 0;
  const remaining = options.parts.filter((info) => info.part >= staging.next.part);
  if (remaining.length === 0 && !staging.complete) {
    return stageRunSlice({ withCopy: options.withCopy, plan: options.plan, staging, encoder, firstOfEncoder: true, from: staging.next, to: staging.next, inputs: [], complete: true });
  }
  for (const [position, info] of remaining.entries()) {
    const part = await options.rawStore.readPart(info.key);
    let start = info.part === staging.next.part ? staging.next.offset : 0;
    const last = position === remaining.length - 1;
    do {
      if (slices > 0 && now() >= options.deadline) {
        options.log?.info('silver.staging_paused', { next_part: staging.next.part, next_offset: staging.next.offset, staged: staging.staged });
        return staging;
      }
      const end = Math.min(part.records.length, start + sliceRecords);
      const to = end < part.records.length ? { part: info.part, offset: end } : { part: info.part + 1, offset: 0 };
      staging = await stageRunSlice({
        withCopy: options.withCopy,
        plan: options.plan,
        staging,
        encoder,
        firstOfEncoder: slices === 0,
        from: staging.next,
        to,
        inputs: partInputs(info, part.records, start, end),
        complete: last && end === part.records.length,
      });
      slices += 1;
      start = end;
    } while (start < part.records.length);
  }
  return staging;
}
