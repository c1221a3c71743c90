import type { DatabasePool } from '#platform/db/sql.ts';
import { ConflictError, NotFoundError, PlatformError, ValidationError } from '#platform/errors.ts';
import { createLogger, type Logger } from '#platform/log.ts';
import { formatIssues } from '#platform/function/parseInput.ts';
import { toErrorResponse } from '#platform/function/toErrorResponse.ts';
import { claimStep } from './runStore/claimStep.ts';
import { toErrorRecord } from './runStore/toErrorRecord.ts';
import { getRun } from './runStore/getRun.ts';
import { getStep } from './runStore/getStep.ts';
import { recordStepFailure } from './runStore/recordStepFailure.ts';
import { recordStepSuccess } from './runStore/recordStepSuccess.ts';
import { stepOutcomeOfRow } from './runStore/stepOutcomeOfRow.ts';
import type { StepName } from './pipeline.ts';
import { stepOutcomeSchema, type StepOutcome, type StepRequest, type StepResult, type StepRunner } from './steps.ts';

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

/** The runner's outcome through the step contract's schema: a `step.bad_outcome` naming the problem when it breaks it. */
function parseOutcome(outcome: unknown, where: string): StepOutcome {
  const parsed = stepOutcomeSchema.safeParse(outcome);
  if (!parsed.success) {
    throw new PlatformError('step.bad_outcome', `${where} returned an outcome that breaks the step contract: ${formatIssues(parsed.error.issues).join('; ')}.`);
  }
  return parsed.data;
}

/**
 * Runs one step chunk at most once: the (run id, step, chunk) row of `platform.run_steps` is
 * claimed before the work starts and holds the outcome afterwards. A repeated call for a chunk
 * that succeeded answers the recorded outcome (`replayed: true`) without running; a call while
 * another invocation holds a fresh claim is a ConflictError (409); a failed or abandoned chunk is
 * claimed again with the next attempt number. The runner gets a deadline from the time budget.
 */
export async function runStepOnce<Resources>(options: RunStepOnceOptions<Resources>): Promise<StepResult> {
  const { pool, request, step } = options;
  const now = options.now ?? Date.now;
  const log = (options.log ?? createLogger()).child({ run_id: request.runId, step, chunk: request.chunk });
  const where = `Step ${step} of run ${request.runId} (chunk ${request.chunk})`;
  const key = { runId: request.runId, step, chunk: request.chunk };
  const answer = (outcome: StepOutcome, replayed: boolean, durationMs: number): StepResult => ({
    runId: request.runId,
    step,
    chunk: request.chunk,
    ...(request.attempt === undefined ? {} : { attempt: request.attempt }),
    ...outcome,
    replayed,
    durationMs,
  });

  const run = await getRun(pool, request.runId);
  if (run === null) {
    throw new NotFoundError('run.not_found', `Run ${request.runId} does not exist; steps run only for runs the orchestrator started (POST /function/orchestrator/runs).`, { context: { runId: request.runId } });
  }
  if (run.status !== 'running' && run.status !== 'pending') {
    // A cancelled (or otherwise ended) run: a chunk still in the queue must not work, nor hold the queue.
    throw new ConflictError('run.not_running', `${where}: the run is ${run.status}${run.error?.code === 'run.cancelled' ? ' (cancelled)' : ''}; nothing was done.`, { context: { runId: request.runId, status: run.status } });
  }
  if (run.source !== request.source || run.dataset !== request.dataset) {
    throw new ValidationError('step.run_mismatch', `${where} names ${request.source}.${request.dataset}, but the run is for ${run.source}.${run.dataset}; send the run's own source and dataset.`, { context: { runId: request.runId } });
  }

  const claimed = await claimStep(pool, key, options.leaseMs ?? 70_000);
  if (claimed === null) {
    const recorded = await getStep(pool, key);
    if (recorded?.status === 'succeeded') {
      log.info('step.replayed');
      return answer(stepOutcomeOfRow(recorded), true, recorded.duration_ms ?? 0);
    }
    throw new ConflictError('step.in_progress', `${where} is already running in another invocation (started ${recorded?.started_at?.toISOString() ?? 'just now'}); its callback will report the result.`, { context: { runId: request.runId, step, chunk: request.chunk } });
  }

  const started = now();
  const elapsed = (): number => Math.max(0, Math.round(now() - started));
  const budgetMs = request.deadlineMs ?? options.budgetMs;
  const deadline = started + budgetMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new PlatformError('step.deadline', `${where} passed its ${budgetMs} ms budget.`, { retryable: true })), budgetMs);
  const record = (db: Parameters<typeof recordStepSuccess>[0], outcome: StepOutcome): Promise<boolean> =>
    recordStepSuccess(db, key, { attempt: claimed.attempt, outcome, durationMs: elapsed(), finishedAt: new Date(now()) });
  log.info('step.started', { attempt: claimed.attempt, budget_ms: budgetMs });

  try {
    const outcome = parseOutcome(
      await options.runner(
        {
          request,
          step,
          deadline,
          timeLeftMs: () => Math.max(0, deadline - now()),
          signal: controller.signal,
          recordOutcome: async (tx, early) => {
            await record(tx, parseOutcome(early, where));
          },
        },
        options.resources,
      ),
      where,
    );
    const durationMs = elapsed();
    if (!(await record(pool, outcome))) {
      log.warn('step.superseded', { attempt: claimed.attempt, note: 'a newer attempt claimed this chunk; its record stands' });
    }
    log.info('step.finished', { status: outcome.status, duration_ms: durationMs, counts: outcome.counts });
    return answer(outcome, false, durationMs);
  } catch (error) {
    log.error('step.failed', { error, attempt: claimed.attempt });
    await recordStepFailure(pool, key, claimed.attempt, toErrorRecord(error), elapsed());
    throw toErrorResponse(error).error;
  } finally {
    clearTimeout(timer);
  }
}
