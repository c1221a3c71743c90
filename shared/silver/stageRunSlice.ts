import type { WithCopyTransaction } from '#platform/db/createCopyTransaction.ts';
import { sql } from '#platform/db/sql.ts';
import { ConflictError } from '#platform/errors.ts';
import type { DatasetColumns } from '#pipeline/records/resolveDatasetColumns.ts';
import { STAGE_COLUMNS, STAGE_REJECT_COLUMNS, type StagingEncoder } from './createStagingEncoder.ts';
import type { RunStaging } from './openRunStaging.ts';
import type { SilverInput } from './stageSilverBatch.ts';

/** A staging position: the next raw part, and the record offset in it. */
export type StagingPosition = { readonly part: number; readonly offset: number };

export type StageRunSliceOptions = {
  readonly withCopy: WithCopyTransaction;
  readonly plan: DatasetColumns;
  readonly staging: RunStaging;
  /** Encodes the slice's records; one encoder per invocation, so repeated keys are flagged across its slices. */
  readonly encoder: StagingEncoder;
  /** True when this is the encoder's first slice (the stage then counts one more encoder chunk). */
  readonly firstOfEncoder: boolean;
  /** Where the slice starts: must be where the staging stands, else another invocation staged it already. */
  readonly from: StagingPosition;
  /** Where staging stands after the slice. */
  readonly to: StagingPosition;
  /** The records between `from` and `to`, in order. */
  readonly inputs: Iterable<SilverInput>;
  /** True when `to` is past the run's last raw part: the staging is then complete. */
  readonly complete: boolean;
  /** Characters of COPY text sent per chunk. Default: 262144. */
  readonly chunkChars?: number;
};

/**
 * Stages one slice of a run's records for its silver merge, in ONE transaction: the stage rows and their
 * rejected values are copied, and the run's staging position moves from `from` to `to` — only if it still
 * stands at `from` (a ConflictError otherwise, and nothing is written). So a slice staged twice (a
 * redelivered or retried invocation) lands once, and the rows never disagree with the position.
 * Returns the staging as it stands afterwards.
 */
export async function stageRunSlice(options: StageRunSliceOptions): Promise<RunStaging> {
  const { staging, encoder, from, to } = options;
  encoder.takeRejects(); // what a failed slice left behind was rolled back with it
  const before = encoder.counts();
  const chunkChars = options.chunkChars ?? 262_144;
  async function* rows(): AsyncGenerator<string> {
    let text = '';
    for (const input of options.inputs) {
      text = encoder.append(text, input);
      if (text.length >= chunkChars) {
        yield text;
        text = '';
      }
    }
    if (text.length > 0) yield text;
  }
  return options.withCopy(async (tx) => {
    await tx.copy(['staging', staging.stageTable], [...STAGE_COLUMNS, ...options.plan.columns.map((column) => column.name)], rows());
    const rejects = encoder.takeRejects();
    if (rejects.length > 0) await tx.copy(['staging', staging.rejectsTable], STAGE_REJECT_COLUMNS, [rejects]);
    const after = encoder.counts();
    const moved = await tx.query(sql.unsafe`
      UPDATE platform.silver_staging
      SET next_part = ${to.part}, next_offset = ${to.offset}, complete = ${options.complete},
          chunks = chunks + ${options.firstOfEncoder ? 1 : 0},
          records_read = records_read + ${after.read - before.read},
          records_rejected = records_rejected + ${after.rejected - before.rejected},
          rows_staged = rows_staged + ${after.staged - before.staged},
          maybe_duplicates = maybe_duplicates + ${after.maybeDuplicates - before.maybeDuplicates},
          updated_at = now()
      WHERE run_id = ${staging.runId} AND next_part = ${from.part} AND next_offset = ${from.offset} AND NOT complete`);
    if (moved !== 1) {
      throw new ConflictError('silver.staging_moved', `The silver staging of run ${staging.runId} no longer stands at raw part ${from.part}, record ${from.offset}: another invocation staged these records already. Nothing was staged twice; the step can go on from where the staging stands.`, { context: { runId: staging.runId } });
    }
    return {
      ...staging,
      next: to,
      complete: options.complete,
      chunks: staging.chunks + (options.firstOfEncoder ? 1 : 0),
      read: staging.read + after.read - before.read,
      rejected: staging.rejected + after.rejected - before.rejected,
      staged: staging.staged + after.staged - before.staged,
      maybeDuplicates: staging.maybeDuplicates + after.maybeDuplicates - before.maybeDuplicates,
    };
  });
}
