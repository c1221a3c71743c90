import { z } from 'zod';

import { STEP_NAMES } from '#pipeline/pipeline.ts';
import { stepResultSchema } from '#pipeline/steps.ts';
import { parseInput } from '#platform/function/parseInput.ts';
import { decodeSuperjson } from '#platform/function/superjsonBody.ts';
import { redactAndCut } from '#platform/redact.ts';
import type { FunctionEvent } from '#template/functionContract.ts';
import type { StepCallback } from './orchestratorApi.ts';

const headersSchema = z.object({
  'x-call-id': z.string().min(1, { message: 'is required (the queue-worker sends it)' }),
  'x-function-status': z.coerce.number().int().min(100).max(599),
  'x-function-name': z.string().optional(),
  'x-duration-seconds': z.coerce.number().min(0).optional(),
});

const targetSchema = z.object({
  run: z.string().min(1),
  step: z.enum(STEP_NAMES),
  chunk: z.coerce.number().int().min(0),
  attempt: z.coerce.number().int().min(1).optional(),
});

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string(), retryable: z.boolean().default(false) }) });

const UNPARSED_LIMIT = 2048;

/**
 * Reads a queue-worker callback. The headers must be there (400 otherwise: it did not come from
 * the queue-worker); the body never fails the request — the queue-worker posts a callback once
 * and never again, so an unexpected body is kept as text for the orchestrator to record.
 */
export function parseStepCallback(event: Pick<FunctionEvent, 'headers' | 'query' | 'rawBody'>): StepCallback {
  const headers = parseInput(headersSchema, event.headers, 'The callback headers', 'Callbacks come from the queue-worker with X-Call-Id and X-Function-Status.');
  const targetParsed = targetSchema.safeParse(event.query);
  const text = event.rawBody.toString('utf8');
  let body: unknown;
  try {
    body = text.trim() === '' ? undefined : decodeSuperjson(text, 'callback body');
  } catch {
    body = undefined;
  }
  const ok = headers['x-function-status'] >= 200 && headers['x-function-status'] < 300;
  const result = ok ? stepResultSchema.safeParse(body) : undefined;
  const error = ok ? undefined : errorBodySchema.safeParse(body);
  const parsedResult = result?.success ? result.data : undefined;
  const parsedError = error?.success ? error.data.error : undefined;
  return {
    callId: headers['x-call-id'],
    functionName: headers['x-function-name'],
    functionStatus: headers['x-function-status'],
    durationSeconds: headers['x-duration-seconds'],
    target: targetParsed.success
      ? { runId: targetParsed.data.run, step: targetParsed.data.step, chunk: targetParsed.data.chunk, ...(targetParsed.data.attempt === undefined ? {} : { attempt: targetParsed.data.attempt }) }
      : undefined,
    result: parsedResult,
    error: parsedError,
    unparsed: parsedResult === undefined && parsedError === undefined && text !== '' ? redactAndCut(text, UNPARSED_LIMIT) : undefined,
  };
}
