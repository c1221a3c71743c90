/**
 * Secrets are masked before any text is cut: wherever an error body or answer is shortened for a message, a
 * run record or a log line, a secret value placed at every offset around the cut leaves no fragment behind.
 * The REST client and the OAuth refresh run against a real HTTP server; the orchestrator's cuts (dispatch
 * refusals, unparsed callback bodies, failure messages) are driven through their own functions.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { RestApiConnector } from '#connectors/rest/restApiConnector.ts';
import { classifyFailure } from '#orchestrator/dispatch/classifyFailure.ts';
import { createHttpDispatcher } from '#orchestrator/dispatch/createHttpDispatcher.ts';
import { parseStepCallback } from '#orchestrator/api/parseStepCallback.ts';
import { toErrorResponse } from '#platform/function/toErrorResponse.ts';
import { registerSecretValue } from '#platform/redact.ts';
import { createFileSecretStore } from '#platform/secrets/createFileSecretStore.ts';
import { createHarness, datasetRef, newRun, type Harness } from '#support/connectorHarness.ts';
import { startTestServer, type Reply, type TestServer } from '#support/httpServer.ts';

const TOKEN = 'sk_live_Q7f3Zx9LmP2wR8vKt4Hy';
const connector = new RestApiConnector();

/** Every fragment of the token long enough to mean something (6 characters), none of which may appear. */
function assertNoFragment(text: string, where: string): void {
  for (let start = 0; start + 6 <= TOKEN.length; start += 1) {
    const fragment = TOKEN.slice(start, start + 6);
    assert.not.ok(text.includes(fragment), `${where}: leaks ${JSON.stringify(fragment)} in ${JSON.stringify(text)}`);
  }
}

/** Offsets that put the token across, just before and just after a cut at `cut` characters. */
const offsetsAround = (cut: number): number[] => Array.from({ length: TOKEN.length + 5 }, (_, i) => cut - TOKEN.length - 2 + i).filter((offset) => offset >= 0);
const bodyWithTokenAt = (offset: number, length = 3000): string => `${'-'.repeat(offset)}${TOKEN}${'-'.repeat(Math.max(0, length - offset - TOKEN.length))}`;

type Context = { server: TestServer; harness: Harness; secretsDir: string; reply: Reply };
const cuts = suite<Context>('secrets are masked before any cut');

cuts.before(async (context) => {
  context.secretsDir = await mkdtemp(path.join(os.tmpdir(), 'dp-secrets-'));
  await writeFile(path.join(context.secretsDir, 'demo-token'), `${TOKEN}\n`);
  await writeFile(path.join(context.secretsDir, 'demo-client-id'), 'client-1\n');
  await writeFile(path.join(context.secretsDir, 'demo-client-secret'), 'client-secret-1\n');
  await writeFile(path.join(context.secretsDir, 'demo-refresh'), `${TOKEN}\n`);
  context.harness = await createHarness(createFileSecretStore({ directory: context.secretsDir }));
  context.reply = { status: 200, body: [] };
  context.server = await startTestServer(() => context.reply);
});
cuts.after(async ({ server, harness, secretsDir }) => {
  await server.close();
  await harness.cleanup();
  await rm(secretsDir, { recursive: true, force: true });
});

async function extractError(context: Context, config: Record<string, unknown>, secrets: Record<string, string>): Promise<unknown> {
  const ref = datasetRef({ source: 'demo', connector: 'rest', config: { base_url: context.server.url, retry: { attempts: 1 }, ...config }, secrets }, { name: 'items', extract: { path: '/items' } });
  try {
    await connector.extract({ ref, run: newRun(ref), deadline: context.harness.clock.now() + 60_000 }, context.harness.context);
  } catch (error) {
    return error;
  }
  throw new Error('the extraction should fail');
}

cuts('REST client: an error body (400, 404, 401, non-JSON) with the token at every offset around the 200-character cut', async (context) => {
  for (const status of [400, 404, 401, 200]) {
    for (const offset of [...offsetsAround(200), ...offsetsAround(60)]) {
      context.reply = { status, headers: { 'content-type': 'text/plain' }, body: bodyWithTokenAt(offset) };
      const error = await extractError(context, { auth: { type: 'bearer' } }, { token: 'demo-token' });
      const answer = toErrorResponse(error);
      assertNoFragment(`${(error as Error).message} ${JSON.stringify(answer.body)}`, `HTTP ${status}, token at ${offset}`);
    }
  }
  assertNoFragment(context.harness.logs.join('\n'), 'the connector log');
});

cuts('OAuth refresh: a refused refresh whose body quotes the refresh token at every offset around the cut', async (context) => {
  for (const offset of offsetsAround(200)) {
    context.reply = { status: 400, headers: { 'content-type': 'text/plain' }, body: bodyWithTokenAt(offset) };
    const error = await extractError(context, { auth: { type: 'oauth2_refresh', token_url: `${context.server.url}/oauth/token` } }, { client_id: 'demo-client-id', client_secret: 'demo-client-secret', refresh_token: 'demo-refresh' });
    assert.is((error as { code?: string }).code, 'connector.oauth_refresh_failed');
    assertNoFragment((error as Error).message, `token at ${offset}`);
  }
});

cuts('orchestrator: a gateway refusal, an unparsed callback body and a failure message, each with the token around its cut', async () => {
  registerSecretValue(TOKEN);
  // the dispatcher quotes the gateway's refusal (cut at 300)
  let gatewayBody = '';
  const gateway = createServer((_request, response) => {
    response.writeHead(400, { 'content-type': 'text/plain' }).end(gatewayBody);
  });
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
  try {
    const dispatcher = createHttpDispatcher({ gatewayUrl: `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`, callbackBaseUrl: 'http://127.0.0.1:1/function/orchestrator' });
    for (const offset of offsetsAround(300)) {
      gatewayBody = bodyWithTokenAt(offset);
      try {
        await dispatcher.dispatch({ functionName: 'files', request: { runId: 'r', step: 'extract', chunk: 0 } as never, target: { runId: 'r', step: 'extract', chunk: 0, attempt: 1 } });
        assert.unreachable('refused');
      } catch (error) {
        assertNoFragment((error as Error).message, `dispatch refusal, token at ${offset}`);
      }
    }
  } finally {
    await new Promise((resolve) => gateway.close(resolve));
  }
  // a callback whose body is not JSON is kept as text (cut at 2048), then quoted in the failure (cut at 200)
  for (const offset of [...offsetsAround(2048), ...offsetsAround(200)]) {
    const callback = parseStepCallback({
      headers: { 'x-call-id': 'c1', 'x-function-status': '502', 'x-function-name': 'files' },
      query: { run: 'r', step: 'extract', chunk: '0', attempt: '1' },
      rawBody: Buffer.from(bodyWithTokenAt(offset, 4000)),
    });
    assertNoFragment(callback.unparsed ?? '', `unparsed callback body, token at ${offset}`);
    assertNoFragment(classifyFailure(callback).message, `failure message, token at ${offset}`);
  }
  // an error body's message is cut at 1000 characters
  for (const offset of offsetsAround(1000)) {
    const failure = classifyFailure({ functionStatus: 500, error: { code: 'x', message: bodyWithTokenAt(offset), retryable: false }, unparsed: undefined });
    assertNoFragment(failure.message, `error message, token at ${offset}`);
  }
});

cuts.run();
