/**
 * Error classes decide retries, on the real stack (orchestrator, files, rest, bronze, silver and gold through the
 * local gateway): a failing gold model, a column retyped under an existing silver table and an upstream HTTP 400
 * each fail their run on the first attempt with the error's fix, while the dataset is freed at once; a transient
 * failure (the upstream answering 503 for a while) is retried and the run finishes.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { syncMetadataAgainstSilver } from '#silver/syncMetadataAgainstSilver.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import { validateMetadata, type MetadataFileText } from '#metadata/validateMetadata.ts';
import { connectorSettings } from '#metadata/connectorSettings.ts';
import { sql } from '#platform/db/sql.ts';
import { projectRoot } from '#platform/env.ts';
import { startTestServer, type Reply, type TestServer } from '#support/httpServer.ts';
import { feedItemsSource } from '#support/runnerSources.ts';
import { startStackWorld, type StackWorld } from '#support/stackWorld.ts';

type Context = { world: StackWorld; api: TestServer; reply: () => Reply; shipped: MetadataFileText[] };
const e2e = suite<Context>('permanent errors fail fast, transient ones are retried');

const BROKEN_MODEL: MetadataFileText[] = [
  { path: 'gold/broken.yml', text: 'models:\n  - { name: broken_ratio, sql: gold/broken_ratio.sql, depends_on: [bank.accounts] }\n' },
  { path: 'gold/broken_ratio.sql', text: 'SELECT iban, balance / (count(*) OVER () - count(*) OVER ()) AS ratio FROM silver.bank__accounts' },
];

async function sync(context: Context, extra: readonly MetadataFileText[], edit: (file: MetadataFileText) => MetadataFileText = (file) => file, allowRetypes = false): Promise<void> {
  const validation = validateMetadata([...context.shipped.map(edit), ...extra], { connectors: connectorSettings });
  assert.ok(validation.metadata, JSON.stringify(validation.issues));
  await syncMetadataAgainstSilver(context.world.db.pool, validation.metadata, { allowRetypes });
}

e2e.before(async (context) => {
  context.reply = () => ({ body: [{ id: 'a', updated_at: '2026-03-01T10:00:00Z' }] });
  context.api = await startTestServer(() => context.reply());
  context.world = await startStackWorld({ only: ['orchestrator', 'files', 'rest', 'bronze', 'silver', 'gold'], scheduleDriver: null, logLevel: 'error', functionEnv: { DP_RETRY_BASE_MS: '200', DP_RETRY_MAX_MS: '400' } });
  context.shipped = await readMetadataFolder(path.join(projectRoot, 'metadata'));
  await sync(context, [...BROKEN_MODEL, feedItemsSource(context.api.url, { config: 'retry: { attempts: 1 }' })]);
});
e2e.after(async ({ world, api }) => {
  await world.close();
  await api.close();
});

const runRow = z.object({ run_id: z.string(), status: z.string(), error: z.object({ code: z.string(), message: z.string() }).passthrough().nullable() });
const stepRow = z.object({ step: z.string(), attempt: z.number(), status: z.string() });

/** Starts a run over HTTP and drives it to its end (see driveToEnd). */
async function runToEnd(context: Context, body: Record<string, unknown>): Promise<{ run: z.output<typeof runRow>; steps: readonly z.output<typeof stepRow>[] }> {
  const started = await fetch(`${context.world.gateway.url}/function/orchestrator/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const reply = (await started.json()) as { runs: { run_id: string }[] };
  const runId = reply.runs[0]?.run_id;
  assert.ok(runId, JSON.stringify(reply));
  return driveToEnd(context, runId);
}

/** Drives a run to its end: the queue drained, then reconcile ticks (retries are due after the short test backoff) until it is no longer running. */
async function driveToEnd(context: Context, runId: string): Promise<{ run: z.output<typeof runRow>; steps: readonly z.output<typeof stepRow>[] }> {
  const { gateway, db } = context.world;
  const deadline = Date.now() + 120_000;
  for (;;) {
    await gateway.idle();
    const run = await db.pool.one(sql.type(runRow)`SELECT run_id, status, error FROM platform.runs WHERE run_id = ${runId}`);
    if (run.status !== 'running') {
      const steps = await db.pool.any(sql.type(stepRow)`SELECT step, attempt, status FROM platform.run_steps WHERE run_id = ${runId} ORDER BY dispatched_at, chunk`);
      return { run, steps };
    }
    if (Date.now() > deadline) throw new Error(`run ${runId} did not end`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await fetch(`${gateway.url}/function/orchestrator/tick`, { method: 'POST' });
  }
}

e2e('a gold model whose SQL fails ends its run on the first attempt, with the error and its fix', async (context) => {
  await cp(path.join(projectRoot, 'metadata/samples/bank/snapshot-1/accounts.csv'), path.join(context.world.dir, 'inbox', 'bank', 'accounts.csv'));
  const loaded = await runToEnd(context, { source: 'bank', dataset: 'accounts' });
  assert.is(loaded.run.status, 'succeeded', JSON.stringify(loaded.run.error));
  // the accounts change started the model that reads them
  const goldRun = await context.world.db.pool.oneFirst(sql.type(z.object({ run_id: z.string() }))`
    SELECT run_id FROM platform.runs WHERE kind = 'gold' AND dataset = 'broken_ratio' AND status <> 'skipped' ORDER BY created_at DESC LIMIT 1`);
  const { run, steps } = await driveToEnd(context, goldRun);
  assert.is(run.status, 'failed');
  assert.equal(steps, [{ step: 'gold', attempt: 1, status: 'failed' }]);
  assert.is(run.error?.code, 'gold.model_failed');
  assert.match(run.error?.message ?? '', 'division by zero');
  assert.match(run.error?.message ?? '', 'with an error a retry cannot fix');
});

e2e('a column retyped under an existing silver table ends its run on the first attempt, naming the replay path', async (context) => {
  await sync(context, [...BROKEN_MODEL, feedItemsSource(context.api.url, { config: 'retry: { attempts: 1 }' })], (file) => (file.path === 'bank.yml' ? { ...file, text: file.text.replace('{ name: balance, type: numeric', '{ name: balance, type: bigint') } : file), true);
  await cp(path.join(projectRoot, 'metadata/samples/bank/snapshot-2/accounts.csv'), path.join(context.world.dir, 'inbox', 'bank', 'accounts-2.csv'));
  const { run, steps } = await runToEnd(context, { source: 'bank', dataset: 'accounts' });
  assert.is(run.status, 'failed');
  assert.equal(steps.filter((step) => step.step === 'silver'), [{ step: 'silver', attempt: 1, status: 'failed' }]);
  assert.is(run.error?.code, 'silver.column_type_changed');
  assert.match(run.error?.message ?? '', 'dp replay bank.accounts');
});

e2e('an upstream HTTP 400 ends the run on the first attempt; a 503 spell is retried and the run finishes', async (context) => {
  context.reply = () => ({ status: 400, body: { message: 'unknown parameter since' } });
  const refused = await runToEnd(context, { source: 'feed', dataset: 'items' });
  assert.is(refused.run.status, 'failed');
  assert.equal(refused.steps, [{ step: 'extract', attempt: 1, status: 'failed' }]);
  assert.match(refused.run.error?.message ?? '', 'answered HTTP 400');

  let calls = 0;
  context.reply = () => {
    calls += 1;
    return calls <= 2 ? { status: 503, body: 'down for maintenance' } : { body: [{ id: 'a', updated_at: '2026-03-01T10:00:00Z' }] };
  };
  const recovered = await runToEnd(context, { source: 'feed', dataset: 'items' });
  assert.is(recovered.run.status, 'succeeded', JSON.stringify(recovered.run.error));
  assert.equal(recovered.steps.filter((step) => step.step === 'extract').map((step) => step.attempt), [3], 'two transient failures, then the third attempt');
});

e2e.run();
