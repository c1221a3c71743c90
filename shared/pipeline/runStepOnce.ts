import { z } from 'zod';

import { sql, type DatabasePool } from '#platform/db/sql.ts';
import { ConflictError, NotFoundError, PlatformError, ValidationError } from '#platform/errors.ts';
import { createLogger, type Logger } from '#platform/log.ts';
import { stepCountsSchema, type StepName, type StepOutcome, type StepRequest, type StepResult, type StepRunner } from './steps.ts';
import { decodeSuperjson, encodeSuperjson } from '#platform/function/superjsonBody.ts';
import { toErrorResponse } from '#platform/function/toErrorResponse.ts';
import { stepRowCountsShape } from './runs/runRecords.ts';

export type RunStepOnceOptions<Resources> = {
  readonly pool: DatabasePool;
  readonly request: StepRequest;
  readonly step: StepName;
  readonly runner: StepRunner<Resources>;
  readonly resources: Resources;
  /** Time budget in milliseconds when the request names none. */
  readonly budgetMs: number;
  /** After how many milliseconds a `running` row counts as abandoned and may be claimed again. Default 70000 (60 s timeout + margin). */
  readonly leaseMs?: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  readonly now?: () => number;
  readonly log?: Logger;
};

const runRow = z.object({ source: z.string(), dataset: z.string(), status: z.string() });
const claimRow = z.object({ attempt: z.number() });
const recordedRow = z.object({
  status: z.string(),
  checkpoint: z.unknown(),
  detail: z.record(z.string(), z.unknown()),
  duration_ms: z.number().nullable(),
  started_at: z.date().nullable(),
  ...stepRowCountsShape,
});

function checkOutcome(outcome: StepOutcome, where: string): void {
  if (outcome.status !== 'done' && outcome.status !== 'continue') {
    throw new PlatformError('step.bad_outcome', `${where} returned status ${JSON.stringify(outcome.status)}; a step returns 'done' or 'continue'.`);
  }
  if (outcome.status === 'continue' && outcome.checkpoint === undefined) {
    throw new PlatformError('step.bad_outcome', `${where} returned 'continue' without a checkpoint; return where the next chunk starts.`);
  }
  if (outcome.status === 'done' && outcome.checkpoint !== undefined) {
    throw new PlatformError('step.bad_outcome', `${where} returned 'done' with a checkpoint; a checkpoint only says where the next chunk starts — put final positions in detail.`);
  }
}

async function readRecorded(pool: DatabasePool, request: StepRequest, step: StepName) {
  return pool.maybeOne(sql.type(recordedRow)`
    SELECT status, checkpoint, detail, duration_ms, started_at, rows_read, rows_inserted, rows_updated,
           rows_closed, rows_deleted, rows_rejected, rows_unchanged
    FROM platform.run_steps
    WHERE run_id = ${request.runId} AND step = ${step} AND chunk = ${request.chunk}`);
}

/**
 * Runs one step chunk at most once: the (run id, step, chunk) row of `platform.run_steps` is
 * claimed before the work starts and holds the result afterwards. A repeated call for a chunk
 * that succeeded answers the recorded result (`replayed: true`) without running; a call while
 * another invocation holds a fresh claim is a ConflictError (409); a failed or abandoned chunk is
 * claimed again with the next attempt number. The runner gets a deadline from the time budget.
 */
export async function runStepOnce<Resources>(options: RunStepOnceOptions<Resources>): Promise<StepResult> {
  const { pool, request, step } = options;
  const now = options.now ?? Date.now;
  const log = (options.log ?? createLogger()).child({ run_id: request.runId, step, chunk: request.chunk });
  const where = `Step ${step} of run ${request.runId} (chunk ${request.chunk})`;

  const run = await pool.maybeOne(sql.type(runRow)`SELECT source, dataset, status FROM platform.runs WHERE run_id = ${request.runId}`);
  if (run === null) {
    throw new NotFoundError('run.not_found', `Run ${request.runId} does not exist; steps run only for runs the orchestrator started (POST /function/orchestrator/runs).`, { context: { runId: request.runId } });
  }
  if (run.source !== request.source || run.dataset !== request.dataset) {
    throw new ValidationError('step.run_mismatch', `${where} names ${request.source}.${request.dataset}, but the run is for ${run.source}.${run.dataset}; send the run's own source and dataset.`, { context: { runId: request.runId } });
  }

  const leaseMs = options.leaseMs ?? 70_000;
  const claimed = await pool.maybeOne(sql.type(claimRow)`
    INSERT INTO platform.run_steps (run_id, step, chunk, status, started_at)
    VALUES (${request.runId}, ${step}, ${request.chunk}, 'running', now())
    ON CONFLICT (run_id, step, chunk) DO UPDATE
      SET status = 'running', started_at = now(), finished_at = NULL, error = NULL,
          attempt = CASE WHEN run_steps.status = 'dispatched' THEN run_steps.attempt ELSE run_steps.attempt + 1 END
      WHERE run_steps.status IN ('dispatched', 'failed')
         OR (run_steps.status = 'running' AND run_steps.started_at < now() - ${leaseMs} * interval '1 millisecond')
    RETURNING attempt`);

  if (claimed === null) {
    const recorded = await readRecorded(pool, request, step);
    if (recorded?.status === 'succeeded') {
      log.info('step.replayed');
      const checkpoint = recorded.checkpoint === null ? undefined : decodeSuperjson(recorded.checkpoint, 'recorded checkpoint');
      return {
        runId: request.runId,
        step,
        chunk: request.chunk,
        ...(request.attempt === undefined ? {} : { attempt: request.attempt }),
        status: checkpoint === undefined ? 'done' : 'continue',
        ...(checkpoint === undefined ? {} : { checkpoint }),
        counts: {
          read: Number(recorded.rows_read),
          inserted: Number(recorded.rows_inserted),
          updated: Number(recorded.rows_updated),
          closed: Number(recorded.rows_closed),
          deleted: Number(recorded.rows_deleted),
          rejected: Number(recorded.rows_rejected),
          unchanged: Number(recorded.rows_unchanged),
        },
        detail: recorded.detail,
        replayed: true,
        durationMs: recorded.duration_ms ?? 0,
      };
    }
    throw new ConflictError('step.in_progress', `${where} is already running in another invocation (started ${recorded?.started_at?.toISOString() ?? 'just now'}); its callback will report the result.`, { context: { runId: request.runId, step, chunk: request.chunk } });
  }

  const started = now();
  const budgetMs = request.deadlineMs ?? options.budgetMs;
  const deadline = started + budgetMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new PlatformError('step.deadline', `${where} passed its ${budgetMs} ms budget.`, { retryable: true })), budgetMs);
  log.info('step.started', { attempt: claimed.attempt, budget_ms: budgetMs });

  try {
    const outcome = await options.runner(
      { request, step, deadline, timeLeftMs: () => Math.max(0, deadline - now()), signal: controller.signal },
      options.resources,
    );
    checkOutcome(outcome, where);
    const counts = stepCountsSchema.parse(outcome.counts ?? {});
    const detail = outcome.detail ?? {};
    const durationMs = Math.max(0, Math.round(now() - started));
    const checkpoint = outcome.status === 'continue' ? sql.jsonb(encodeSuperjson(outcome.checkpoint) as never) : null;
    const updated = await pool.maybeOne(sql.type(claimRow)`
      UPDATE platform.run_steps
      SET status = 'succeeded', finished_at = now(), duration_ms = ${durationMs}, checkpoint = ${checkpoint},
          detail = ${sql.jsonb(detail as never)}, rows_read = ${counts.read}, rows_inserted = ${counts.inserted},
          rows_updated = ${counts.updated}, rows_closed = ${counts.closed}, rows_deleted = ${counts.deleted},
          rows_rejected = ${counts.rejected}, rows_unchanged = ${counts.unchanged}
      WHERE run_id = ${request.runId} AND step = ${step} AND chunk = ${request.chunk}
        AND attempt = ${claimed.attempt}
        -- 'succeeded' too: a step may record its outcome inside its own transaction (silver does, so a
        -- crash right after its commit replays the counts instead of merging again); this completes it.
        AND status IN ('running', 'succeeded')
      RETURNING attempt`);
    if (updated === null) {
      log.warn('step.superseded', { attempt: claimed.attempt, note: 'a newer attempt claimed this chunk; its record stands' });
    }
    log.info('step.finished', { status: outcome.status, duration_ms: durationMs, counts });
    return {
      runId: request.runId,
      step,
      chunk: request.chunk,
      ...(request.attempt === undefined ? {} : { attempt: request.attempt }),
      status: outcome.status,
      ...(outcome.status === 'continue' ? { checkpoint: outcome.checkpoint } : {}),
      counts,
      detail,
      replayed: false,
      durationMs,
    };
  } catch (error) {
    const response = toErrorResponse(error);
    log.error('step.failed', { error, attempt: claimed.attempt });
    await pool.query(sql.unsafe`
      UPDATE platform.run_steps
      SET status = 'failed', finished_at = now(), duration_ms = ${Math.max(0, Math.round(now() - started))},
          error = ${sql.jsonb(response.body.error as never)}
      WHERE run_id = ${request.runId} AND step = ${step} AND chunk = ${request.chunk}
        AND status = 'running' AND attempt = ${claimed.attempt}`);
    throw response.error;
  } finally {
    clearTimeout(timer);
  }
}
