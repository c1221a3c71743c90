import { getEnv } from '#platform/env.ts';
import { PlatformError, ValidationError } from '#platform/errors.ts';
import { createLogger, type Logger } from '#platform/log.ts';
import { createFunctionResources, type FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { FunctionContext, FunctionEvent, FunctionHandler } from '#template/functionContract.ts';
import { isCronInvocation } from '#platform/function/isCronInvocation.ts';
import { parseInput } from '#platform/function/parseInput.ts';
import { withErrorReplies } from '#platform/function/withErrorReplies.ts';
import { withInvocationLogs } from './logs/withInvocationLogs.ts';
import { runStepOnce } from './runStepOnce.ts';
import type { ForwardedReply } from './startScheduledRuns.ts';
import type { StepName } from './pipeline.ts';
import { stepRequestSchema, type StepRunner } from './steps.ts';
import { decodeSuperjson, encodeSuperjson } from '#platform/function/superjsonBody.ts';

export type CreateStepHandlerOptions = {
  /** The OpenFaaS function's name (its folder under functions/), for messages. */
  readonly functionName: string;
  readonly step: StepName;
  readonly runner: StepRunner<FunctionResources>;
  /** What a cron-connector call does (connector functions start their scheduled runs); without it such a call is refused. */
  readonly onSchedule?: () => Promise<ForwardedReply>;
  /** Connections to use. Default: the process-wide resources, opened on first use. */
  readonly resources?: FunctionResources;
  /** Budget of a step when the request names none, in milliseconds. Default DP_STEP_BUDGET_MS. */
  readonly budgetMs?: number;
  readonly log?: Logger;
};

let processResources: FunctionResources | undefined;

/**
 * Builds the handler of a step function: `POST /` with a StepRequest (superjson envelope or
 * plain JSON) runs the step once for its (run id, step, chunk) and answers the StepResult as a
 * superjson envelope. A cron-connector call (empty POST, `X-Connector: cron-connector`) runs
 * `onSchedule` instead. Errors are answered here (`withErrorReplies`), never thrown to the template.
 */
export function createStepHandler(options: CreateStepHandlerOptions): FunctionHandler {
  return withErrorReplies(async (event: FunctionEvent, context: FunctionContext) => {
    if (event.method !== 'POST' || (event.path !== '/' && event.path !== '')) {
      throw new PlatformError('route.not_found', `${options.functionName} answers POST / with a step request; ${event.method} ${event.path} is not a route.`, { status: event.path === '/' ? 405 : 404 });
    }
    if (isCronInvocation(event)) {
      if (options.onSchedule === undefined) {
        throw new ValidationError('step.schedule_unsupported', `${options.functionName} does not start runs on a schedule; remove its topic/schedule annotations from stack.yml.`);
      }
      const reply = await options.onSchedule();
      context.status(reply.status).succeed(reply.body);
      return undefined;
    }
    if (event.body === undefined) {
      throw new ValidationError('request.empty', `${options.functionName} needs a step request body: {"runId", "source", "dataset", "chunk", "step"?, "attempt"?, "checkpoint"?, "deadlineMs"?}.`);
    }
    const request = parseInput(stepRequestSchema, decodeSuperjson(event.body, `${options.functionName} step request`), `The ${options.functionName} step request`, 'See docs/functions.md, "Step contract".');
    if (request.step !== undefined && request.step !== options.step) {
      throw new ValidationError('step.wrong_function', `${options.functionName} runs the ${options.step} step, but the request is for ${request.step}; dispatch it to that step's function.`);
    }
    const resources = options.resources ?? (processResources ??= createFunctionResources());
    // Every line logged while the step runs is kept with its run (platform.invocation_logs): faasd's UI shows no logs.
    const invocation = { functionName: options.functionName, linesPerInvocation: resources.env.logLinesPerInvocation, defaults: { runId: request.runId, step: options.step, chunk: request.chunk }, pool: resources.pool };
    const result = await withInvocationLogs(invocation, async () =>
      runStepOnce({
        pool: await resources.pool(),
        request,
        step: options.step,
        runner: options.runner,
        resources,
        budgetMs: options.budgetMs ?? getEnv().stepBudgetMs,
        log: options.log ?? createLogger(),
      }),
    );
    return encodeSuperjson(result);
  }, options.log === undefined ? {} : { log: options.log });
}
