import { NotFoundError, toPlatformError } from '#platform/errors.ts';
import { redact } from '#platform/redact.ts';
import { claimUnsentSteps } from '#pipeline/runStore/claimUnsentSteps.ts';
import { getRun } from '#pipeline/runStore/getRun.ts';
import { getStep } from '#pipeline/runStore/getStep.ts';
import { lockRun } from '#pipeline/runStore/lockRun.ts';
import { lockStep } from '#pipeline/runStore/lockStep.ts';
import { recordSendReceipt } from '#pipeline/runStore/recordSendReceipt.ts';
import type { StepRow } from '#pipeline/runStore/stepRow.ts';
import type { StepRequest } from '#pipeline/steps.ts';
import { applyStepOutcome } from './applyStepOutcome.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';

export type SendSummary = { readonly sent: number; readonly failed: number };

/** The request of a claimed chunk: its run's source and dataset, and the previous chunk's checkpoint. */
async function requestFor(context: OrchestratorContext, claimed: StepRow): Promise<StepRequest> {
  const run = await getRun(context.pool, claimed.run_id);
  const previous = claimed.chunk === 0 ? null : await getStep(context.pool, { runId: claimed.run_id, step: claimed.step, chunk: claimed.chunk - 1 });
  const checkpoint = previous?.checkpoint;
  if (run === null) throw new NotFoundError('run.not_found', `Run ${claimed.run_id} disappeared while its ${claimed.step} step was being sent.`, { context: { runId: claimed.run_id } });
  return {
    runId: claimed.run_id,
    source: run.source,
    dataset: run.dataset,
    step: claimed.step,
    chunk: claimed.chunk,
    attempt: claimed.attempt,
    ...(checkpoint === undefined ? {} : { checkpoint }),
    deadlineMs: context.config.stepBudgetMs,
  };
}

/** A send that failed is the attempt's outcome: retried with backoff, or the end of the run (a function that is not deployed). */
async function recordSendFailure(context: OrchestratorContext, claimed: StepRow, error: unknown): Promise<void> {
  const known = toPlatformError(error, 'dispatch.failed');
  const key = { runId: claimed.run_id, step: claimed.step, chunk: claimed.chunk };
  const runIds = await context.pool.transaction(async (tx) => {
    const run = await lockRun(tx, claimed.run_id);
    const step = await lockStep(tx, key);
    // Only while nothing else moved the row: a step that started anyway (redelivery) reports for itself.
    if (run?.status !== 'running' || step === null || step.attempt !== claimed.attempt || step.status !== 'dispatched' || step.handled_attempt === step.attempt) {
      return [];
    }
    const outcome = { kind: 'failure' as const, attempt: claimed.attempt, error: { code: known.code, message: redact(known.message), retryable: known.retryable } };
    return (await applyStepOutcome(tx, context, run, step, outcome)).runIds;
  });
  if (runIds.length > 0) {
    await sendUnsentSteps(context, { runIds });
  }
}

/**
 * Sends the `dispatched` chunks that are due and unsent — after the transaction that wrote them committed,
 * so a crash in between loses nothing (the tick sends what is left). Each row is claimed before its send;
 * the gateway's call id is recorded; a refused send counts as a failed attempt.
 */
export async function sendUnsentSteps(context: OrchestratorContext, options: { readonly runIds?: readonly string[] } = {}): Promise<SendSummary> {
  let sent = 0;
  let failed = 0;
  for (;;) {
    const claimed = await claimUnsentSteps(context.pool, { now: new Date(context.now()), limit: context.config.tickBatch, ...(options.runIds === undefined ? {} : { runIds: options.runIds }) });
    for (const row of claimed) {
      const target = { runId: row.run_id, step: row.step, chunk: row.chunk, attempt: row.attempt };
      const log = context.log.child({ run_id: row.run_id, step: row.step, chunk: row.chunk, attempt: row.attempt });
      try {
        const receipt = await context.dispatcher.dispatch({ functionName: row.function_name ?? row.step, request: await requestFor(context, row), target });
        if (receipt.callId !== undefined) {
          await recordSendReceipt(context.pool, target, row.attempt, receipt.callId);
        }
        log.info('step.sent', { function: row.function_name, call_id: receipt.callId });
        sent += 1;
      } catch (error) {
        log.warn('step.send_failed', { function: row.function_name, error });
        failed += 1;
        await recordSendFailure(context, row, error);
      }
    }
    if (claimed.length < context.config.tickBatch) {
      return { sent, failed };
    }
  }
}
