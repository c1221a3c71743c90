import { PlatformError, ValidationError } from '#platform/errors.ts';
import { nameSchema } from '#metadata/schema.ts';
import type { FunctionContext, FunctionEvent, FunctionHandler } from '#template/functionContract.ts';
import { isCronInvocation } from '#platform/function/isCronInvocation.ts';
import { listRunsQuerySchema, runLogsQuerySchema, startConnectorRunsSchema, startSourceRunsSchema, type OrchestratorApi, type OrchestratorReply, type StartRunsRequest } from './orchestratorApi.ts';
import { parseInput } from '#platform/function/parseInput.ts';
import { withErrorReplies } from '#platform/function/withErrorReplies.ts';
import { parseStepCallback } from './parseStepCallback.ts';
import { toJsonSafe } from '#platform/function/toJsonSafe.ts';

type Route = {
  readonly method: 'GET' | 'POST';
  readonly pattern: RegExp;
  readonly run: (event: FunctionEvent, match: RegExpExecArray, orchestrator: OrchestratorApi) => Promise<OrchestratorReply>;
};

const RUN_ID = /^[A-Za-z0-9_.-]{1,100}$/;

function parseRunId(encoded: string): string {
  const runId = decodeURIComponent(encoded);
  if (!RUN_ID.test(runId)) {
    throw new ValidationError('request.invalid', `Run id ${JSON.stringify(runId)} is not a run id; run ids hold letters, digits, _, . and -.`);
  }
  return runId;
}

/** A start request names a source (and maybe a dataset) or a connector kind; the key decides which schema reports the problems. */
function parseStartRuns(body: unknown): StartRunsRequest {
  const hint = 'Send {"source": "<name>", "dataset"?: "<name>", "full"?: true} or {"connector": "<kind>"}.';
  const byConnector = typeof body === 'object' && body !== null && 'connector' in body;
  return byConnector
    ? parseInput(startConnectorRunsSchema, body, 'The start-runs request (POST /runs)', hint)
    : parseInput(startSourceRunsSchema, body ?? {}, 'The start-runs request (POST /runs)', hint);
}

const routes: readonly Route[] = [
  { method: 'POST', pattern: /^\/runs\/?$/, run: (event, _match, o) => o.startRuns(parseStartRuns(event.body)) },
  { method: 'GET', pattern: /^\/runs\/?$/, run: (event, _match, o) => o.listRuns(parseInput(listRunsQuerySchema, event.query, 'The runs query (GET /runs)', 'Allowed: source, dataset, status, limit (1–500).')) },
  { method: 'GET', pattern: /^\/runs\/([^/]+)\/?$/, run: (_event, match, o) => o.getRun(parseRunId(match[1]!)) },
  {
    method: 'GET',
    pattern: /^\/runs\/([^/]+)\/logs\/?$/,
    run: (event, match, o) => o.getRunLogs(parseRunId(match[1]!), parseInput(runLogsQuerySchema, event.query, 'The logs query (GET /runs/<id>/logs)', 'Allowed: step (extract, bronze, silver, gold), limit (1–10000).')),
  },
  {
    method: 'POST',
    pattern: /^\/runs\/([^/]+)\/cancel\/?$/,
    run: (_event, match, o) => {
      const runId = decodeURIComponent(match[1]!);
      if (!RUN_ID.test(runId)) {
        throw new ValidationError('request.invalid', `Run id ${JSON.stringify(runId)} is not a run id; run ids hold letters, digits, _, . and -.`);
      }
      return o.cancelRun(runId);
    },
  },
  { method: 'POST', pattern: /^\/callback\/?$/, run: (event, _match, o) => o.handleCallback(parseStepCallback(event)) },
  {
    method: 'POST',
    pattern: /^\/webhooks\/([^/]+)\/?$/,
    run: (event, match, o) => {
      const source = parseInput(nameSchema, decodeURIComponent(match[1]!), 'The webhook source in the path (/webhooks/<source>)');
      return o.handleWebhook({ source, headers: event.headers, rawBody: event.rawBody });
    },
  },
  { method: 'POST', pattern: /^\/tick\/?$/, run: (_event, _match, o) => o.tick({ trigger: 'manual' }) },
  { method: 'GET', pattern: /^\/(status\/?)?$/, run: (_event, _match, o) => o.status() },
];

const ROUTE_LIST = 'POST /runs, GET /runs, GET /runs/<id>, GET /runs/<id>/logs, POST /runs/<id>/cancel, POST /callback, POST /webhooks/<source>, POST /tick, GET /status, and the cron-connector POST /';

/**
 * Builds the orchestrator's handler: routes the request, parses it with zod, calls the
 * orchestrator, and answers its reply as plain JSON. A cron-connector call (empty POST to `/`
 * with `X-Connector: cron-connector`) is the reconcile tick. Errors are answered here
 * (`withErrorReplies`), never thrown to the template.
 */
export function createOrchestratorHandler(orchestrator: OrchestratorApi): FunctionHandler {
  return withErrorReplies(async (event: FunctionEvent, context: FunctionContext) => {
    let reply: OrchestratorReply;
    if (isCronInvocation(event) && (event.path === '/' || event.path === '')) {
      reply = await orchestrator.tick({ trigger: 'schedule' });
    } else {
      const path = event.path === '' ? '/' : event.path;
      const matching = routes.map((route) => ({ route, match: route.pattern.exec(path) })).filter((candidate) => candidate.match !== null);
      const chosen = matching.find((candidate) => candidate.route.method === event.method);
      if (chosen === undefined) {
        if (matching.length > 0) {
          throw new PlatformError('route.method_not_allowed', `${event.method} ${path} is not allowed; use ${matching.map((candidate) => candidate.route.method).join(' or ')}.`, { status: 405 });
        }
        throw new PlatformError('route.not_found', `The orchestrator has no route ${event.method} ${path}; routes: ${ROUTE_LIST}.`, { status: 404 });
      }
      reply = await chosen.route.run(event, chosen.match!, orchestrator);
    }
    context.status(reply.status).succeed(toJsonSafe(reply.body));
    return undefined;
  });
}
