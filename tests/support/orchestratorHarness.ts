/**
 * Helpers for orchestrator tests: metadata synced from YAML text, a dispatcher that records what it is
 * asked to send (the one fake: it stands behind the Dispatcher interface where no gateway runs), a clock
 * that moves only when told, and callbacks built through the real callback parser.
 */
import type { DatabasePool } from 'slonik';

import { NotFoundError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { syncMetadata, type SyncResult } from '#metadata/catalog/syncMetadata.ts';
import { validateMetadata } from '#metadata/validateMetadata.ts';
import { createOrchestrator } from '#orchestrator/createOrchestrator.ts';
import type { DispatchOrder, Dispatcher } from '#orchestrator/dispatch/dispatcher.ts';
import type { OrchestratorConfig } from '#orchestrator/orchestratorConfig.ts';
import type { OrchestratorApi, StepCallback } from '#orchestrator/api/orchestratorApi.ts';
import { parseStepCallback } from '#orchestrator/api/parseStepCallback.ts';
import { encodeSuperjson } from '#platform/function/superjsonBody.ts';

/** Validates metadata files given as text (`{ 'shop.yml': '…', 'gold/models.yml': '…', 'gold/a.sql': '…' }`) and syncs them. */
export async function syncFixtureMetadata(pool: DatabasePool, files: Readonly<Record<string, string>>): Promise<SyncResult> {
  const result = validateMetadata(Object.entries(files).map(([path, text]) => ({ path, text })));
  if (result.metadata === undefined) {
    throw new Error(`fixture metadata is invalid: ${JSON.stringify(result.issues)}`);
  }
  return syncMetadata(pool, result.metadata);
}

export type RecordingDispatcher = Dispatcher & {
  readonly orders: DispatchOrder[];
  /** Orders not yet taken by take(). */
  readonly take: () => DispatchOrder[];
  /** Makes the next dispatches throw what `fail` returns (undefined lets an order through). */
  failWith: ((order: DispatchOrder) => Error | undefined) | undefined;
};

/** A dispatcher that records every order and answers a call id, or throws what `failWith` says. */
export function createRecordingDispatcher(): RecordingDispatcher {
  const orders: DispatchOrder[] = [];
  let taken = 0;
  const recorder: RecordingDispatcher = {
    orders,
    failWith: undefined,
    take: () => {
      const fresh = orders.slice(taken);
      taken = orders.length;
      return fresh;
    },
    dispatch: async (order) => {
      const failure = recorder.failWith?.(order);
      if (failure !== undefined) throw failure;
      orders.push(order);
      return { callId: `call-${orders.length}` };
    },
  };
  return recorder;
}

export type TestClock = { readonly now: () => number; readonly advance: (ms: number) => void; readonly set: (ms: number) => void };

/** A clock that starts at real time (so it agrees with Postgres' now()) and moves only when told. */
export function createTestClock(start = Date.now()): TestClock {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms), set: (ms) => (current = ms) };
}

export type Harness = { readonly orchestrator: OrchestratorApi; readonly dispatcher: RecordingDispatcher; readonly clock: TestClock };

/** An orchestrator on `pool` with a recording dispatcher, a test clock, silent logs and the given secrets. */
export function createHarness(pool: DatabasePool, options: { readonly secrets?: Readonly<Record<string, string>>; readonly config?: Partial<OrchestratorConfig> } = {}): Harness {
  const dispatcher = createRecordingDispatcher();
  const clock = createTestClock();
  const secrets = options.secrets ?? {};
  const orchestrator = createOrchestrator({
    pool,
    dispatcher,
    clock,
    config: { retryBaseMs: 1000, retryMaxMs: 60_000, callbackTimeoutMs: 180_000, ...options.config },
    secrets: {
      get: async (name) => {
        const value = secrets[name];
        if (value === undefined) throw new NotFoundError('secret.not_found', `no secret ${name}`);
        return value;
      },
    },
    log: createLogger({ level: 'error', sink: () => undefined }),
  });
  return { orchestrator, dispatcher, clock };
}

export type Answer =
  | { readonly status: 'done' | 'continue'; readonly counts?: Partial<Record<'read' | 'inserted' | 'updated' | 'closed' | 'deleted' | 'rejected' | 'unchanged', number>>; readonly checkpoint?: unknown; readonly resumeAt?: number; readonly unchanged?: boolean; readonly detail?: Record<string, unknown>; readonly replayed?: boolean }
  | { readonly httpStatus: number; readonly error?: { readonly code: string; readonly message: string; readonly retryable?: boolean }; readonly text?: string };

/** The callback the queue-worker would post for `order` answered with `answer`, parsed by the real callback parser. */
export function callbackFor(order: DispatchOrder, answer: Answer, options: { readonly callId?: string; readonly attempt?: number | null } = {}): StepCallback {
  const { target } = order;
  const attempt = options.attempt === undefined ? target.attempt : options.attempt;
  const query: Record<string, string> = { run: target.runId, step: target.step, chunk: String(target.chunk), ...(attempt === null ? {} : { attempt: String(attempt) }) };
  let status: number;
  let body: string;
  if ('httpStatus' in answer) {
    status = answer.httpStatus;
    body = answer.error !== undefined ? JSON.stringify({ error: { retryable: false, ...answer.error } }) : (answer.text ?? '');
  } else {
    status = 200;
    const counts = { read: 0, inserted: 0, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0, ...answer.counts };
    body = JSON.stringify(encodeSuperjson({
      runId: target.runId,
      step: target.step,
      chunk: target.chunk,
      attempt: target.attempt,
      status: answer.status,
      ...(answer.checkpoint === undefined ? {} : { checkpoint: answer.checkpoint }),
      ...(answer.resumeAt === undefined ? {} : { resumeAt: answer.resumeAt }),
      unchanged: answer.unchanged ?? false,
      counts,
      detail: answer.detail ?? {},
      replayed: answer.replayed ?? false,
      durationMs: 12,
    }));
  }
  return parseStepCallback({
    headers: { 'x-call-id': options.callId ?? `call-of-${target.runId}-${target.step}-${target.chunk}-${target.attempt}`, 'x-function-status': String(status), 'x-function-name': order.functionName, 'x-duration-seconds': '0.012' },
    query,
    rawBody: Buffer.from(body),
  });
}
