import { getConnector } from '#connectors/registry.ts';
import { readCursor } from '#pipeline/cursor/readCursor.ts';
import { stagePendingCursor } from '#pipeline/cursor/stagePendingCursor.ts';
import type { ExtractResult, RejectedRecord } from '#connectors/types.ts';
import { ValidationError } from '#platform/errors.ts';
import { createLogger, type Logger } from '#platform/log.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { StepOutcomeInput, StepRunner } from '#pipeline/steps.ts';
import { loadDatasetStepRun } from '#pipeline/loadDatasetStepRun.ts';
import { recordExtractRejects } from './recordExtractRejects.ts';

/** Rejected records kept in a chunk's `detail.rejects`; the rest are counted in `rows_rejected` only (results travel over HTTP). */
export const MAX_REJECTS_IN_DETAIL = 50;

export type CreateExtractRunnerOptions = {
  /** The logger connectors write to. Default: a JSON logger on stdout. */
  readonly log?: Logger;
};

/** Maps a connector's answer to the step's outcome: counts, detail, and where the next chunk starts. */
function toOutcome(result: ExtractResult, extra: Readonly<Record<string, unknown>>): StepOutcomeInput {
  const rejects: readonly RejectedRecord[] = result.rejects;
  const detail = {
    ...result.detail,
    pages: result.pages,
    ...(rejects.length === 0 ? {} : { rejects: rejects.slice(0, MAX_REJECTS_IN_DETAIL), rejects_total: rejects.length }),
    ...extra,
  };
  const counts = { read: result.records, rejected: rejects.length };
  if (!result.done) {
    return { status: 'continue', checkpoint: result.checkpoint ?? null, ...(result.resumeAt === undefined ? {} : { resumeAt: result.resumeAt }), counts, detail };
  }
  return { status: 'done', unchanged: result.unchanged === true, counts, detail };
}

/**
 * The extract step of a connector function (`files`, `rest`, `ynab`): reads the run and its
 * dataset from Postgres, runs the dataset's connector for one chunk within the step's deadline
 * (with the committed cursor, unless the run is `full`), and maps the answer:
 * - not done → `continue` with the connector's checkpoint (and `resumeAt`: not before this ms epoch);
 * - done → the cursor reached is staged with the run; it becomes the dataset's cursor when the run
 *   succeeds (the orchestrator's completeRun, after silver committed — or right after this step when
 *   it is `unchanged`);
 * - done and `unchanged` (nothing new: an HTTP 304, an empty inbox) → `unchanged: true`: the run
 *   ends without bronze and silver.
 * Rejected records count in `rows_rejected`, are listed in `platform.rejects` (layer `extract`), and the
 * first ones in `detail.rejects`.
 */
export function createExtractRunner(kind: string, options: CreateExtractRunnerOptions = {}): StepRunner<FunctionResources> {
  return async (context, resources) => {
    const pool = await resources.pool();
    const run = await loadDatasetStepRun(pool, context.request);
    const where = `${run.ref.source.source}.${run.ref.dataset.name}`;
    if (run.ref.source.connector !== kind) {
      throw new ValidationError('step.wrong_connector', `Run ${run.runId} extracts ${where}, a \`${run.ref.source.connector}\` source, but this is the ${kind} function; dispatch it to the ${run.ref.source.connector} function.`, { context: { runId: run.runId, connector: run.ref.source.connector } });
    }
    const connector = getConnector(kind);
    const committed = context.request.checkpoint === undefined && !run.full ? await readCursor(pool, { source: run.raw.source, dataset: run.raw.dataset }) : null;
    const logger = (options.log ?? createLogger()).child({ run_id: run.runId, source: run.raw.source, dataset: run.raw.dataset, chunk: context.request.chunk });
    const result = await connector.extract(
      {
        ref: run.ref,
        run: run.raw,
        deadline: context.deadline,
        full: run.full,
        ...(context.request.checkpoint === undefined || context.request.checkpoint === null ? {} : { checkpoint: context.request.checkpoint }),
        ...(committed === null ? {} : { cursor: committed.cursor }),
      },
      { raw: resources.rawStore(), secrets: resources.secrets(), logger, db: pool, env: resources.env },
    );
    const ref = { runId: run.runId, source: run.raw.source, dataset: run.raw.dataset };
    if (result.rejects.length > 0) await recordExtractRejects(pool, ref, context.request.chunk, result.rejects);
    if (!result.done) {
      return toOutcome(result, {});
    }
    if (result.nextCursor !== undefined) {
      await stagePendingCursor(pool, ref, result.nextCursor);
    }
    return toOutcome(result, { cursor_staged: result.nextCursor !== undefined });
  };
}
