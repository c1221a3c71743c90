/**
 * What the orchestrator function does, as an interface: `functions/orchestrator/handler.ts`
 * routes and parses HTTP requests (createOrchestratorHandler) and calls these methods, which
 * createOrchestrator implements over Postgres.
 */
import { z } from 'zod';

import { nameSchema } from '#metadata/schema.ts';
import type { StepName } from '#pipeline/pipeline.ts';
import type { StepResult } from '#pipeline/steps.ts';

export const runTriggerSchema = z.enum(['manual', 'schedule', 'event', 'webhook']);

/** `POST /runs` for one source (or one dataset of it). */
export const startSourceRunsSchema = z.strictObject({
  source: nameSchema,
  dataset: nameSchema.optional(),
  /** Treat a delta dataset as full for this run (reload everything). */
  full: z.boolean().default(false),
  /** A person confirms that this run's full snapshot may delete more than the dataset's `max_delete_share`. */
  accept_deletes: z.boolean().optional(),
  trigger: runTriggerSchema.default('manual'),
});

/** `POST /runs` for every source of a connector kind (what a connector function's schedule sends). */
export const startConnectorRunsSchema = z.strictObject({
  connector: nameSchema,
  full: z.boolean().default(false),
  trigger: runTriggerSchema.default('schedule'),
});

export type StartRunsRequest = z.output<typeof startSourceRunsSchema> | z.output<typeof startConnectorRunsSchema>;

/** `GET /runs?source=&dataset=&status=&limit=` */
export const listRunsQuerySchema = z.strictObject({
  source: nameSchema.optional(),
  dataset: nameSchema.optional(),
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'skipped']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type ListRunsQuery = z.output<typeof listRunsQuerySchema>;

/** `GET /runs/<id>/logs?step=&limit=` */
export const runLogsQuerySchema = z.strictObject({
  step: z.enum(['extract', 'bronze', 'silver', 'gold']).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(2000),
});
export type RunLogsQuery = z.output<typeof runLogsQuerySchema>;

/** A queue-worker callback: the step's answer and the headers the queue-worker adds. */
export type StepCallback = {
  readonly callId: string;
  readonly functionName: string | undefined;
  /** HTTP status of the step function (503 when the queue-worker could not reach it). */
  readonly functionStatus: number;
  readonly durationSeconds: number | undefined;
  /** Which step this answers, from the callback URL's `run`, `step`, `chunk` and `attempt` query parameters. */
  readonly target: { readonly runId: string; readonly step: StepName; readonly chunk: number; readonly attempt?: number } | undefined;
  /** A 2xx answer that is a StepResult. */
  readonly result: StepResult | undefined;
  /** A non-2xx answer's error body. */
  readonly error: { readonly code: string; readonly message: string; readonly retryable: boolean } | undefined;
  /** The body as text (at most 2 KB) when it was neither of the above. */
  readonly unparsed: string | undefined;
};

/** `POST /webhooks/<source>`: kept raw so the signature can be checked over the exact bytes. */
export type WebhookDelivery = {
  readonly source: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawBody: Buffer;
};

export type TickRequest = { readonly trigger: 'schedule' | 'manual' };

/** What an orchestrator method answers; the body is sent as plain JSON. */
export type OrchestratorReply = { readonly status: number; readonly body: unknown };

export type OrchestratorApi = {
  readonly startRuns: (request: StartRunsRequest) => Promise<OrchestratorReply>;
  readonly listRuns: (query: ListRunsQuery) => Promise<OrchestratorReply>;
  readonly getRun: (runId: string) => Promise<OrchestratorReply>;
  /** Ends an active run by hand (`run.cancelled`). */
  readonly cancelRun: (runId: string) => Promise<OrchestratorReply>;
  /** The log lines kept for a run's invocations (platform.invocation_logs). */
  readonly getRunLogs: (runId: string, query: RunLogsQuery) => Promise<OrchestratorReply>;
  readonly handleCallback: (callback: StepCallback) => Promise<OrchestratorReply>;
  readonly handleWebhook: (delivery: WebhookDelivery) => Promise<OrchestratorReply>;
  /** The reconcile tick: re-dispatch lost steps, retry failed ones, start due schedules. */
  readonly tick: (request: TickRequest) => Promise<OrchestratorReply>;
  readonly status: () => Promise<OrchestratorReply>;
};
