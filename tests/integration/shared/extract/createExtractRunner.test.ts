/**
 * The extract step of the connector functions, through their real handlers, on a real Postgres,
 * a temporary raw store and inbox, and local HTTP servers that behave like the APIs.
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { succeedRun } from '#pipeline/succeedRun.ts';
import { readCursor } from '#pipeline/cursor/readCursor.ts';
import { sql } from '#platform/db/sql.ts';
import { loadEnv, projectRoot } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import { createLocalRawStore } from '#platform/raw/createLocalRawStore.ts';
import { createFunctionResources, type FunctionResources } from '#platform/function/createFunctionResources.ts';
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import { createExtractRunner } from '#extract/createExtractRunner.ts';
import { runFilesExtract } from '#extract/runFilesExtract.ts';
import { runRestExtract } from '#extract/runRestExtract.ts';
import { runYnabExtract } from '#extract/runYnabExtract.ts';
import { createEnvSecretStore } from '#platform/secrets/createEnvSecretStore.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { startTestServer, type TestServer } from '#support/httpServer.ts';
import { callStep, createTestRun, finishTestRun, syncTestMetadata } from '#support/stepRuns.ts';
import { createFakeYnab, TOKEN, transaction, type FakeYnab } from '../connectors/ynab/fakeYnabApi.ts';
import { bankTransactionsSource, feedItemsSource } from '#support/runnerSources.ts';

type Context = { db: TestDatabase; dir: string; resources: FunctionResources; rest: TestServer; ynabServer: TestServer; ynab: FakeYnab; restMode: { status: 'limited' | 'open' } };
const extract = suite<Context>('extract step runners');
const log = createLogger({ level: 'error', fields: {}, sink: () => undefined });

const ynabYaml = (url: string): string => `
source: ynab
connector: ynab
config: { base_url: '${url}/v1', budget_id: budget-a }
secrets: { token: ynab-token }
datasets:
  - name: transactions
    load: delta
    key: [budget_id, id]
    deleted_flag: deleted
    columns:
      - { name: budget_id, type: text }
      - { name: id, type: text }
      - { name: amount, type: bigint }
      - { name: deleted, type: boolean }
`;

const ITEMS = [
  { id: 'a', updated_at: '2026-03-01T10:00:00Z' },
  { id: 'b', updated_at: '2026-03-02T10:00:00Z' },
];

extract.before(async (context) => {
  context.db = await createTestDatabase();
  context.dir = await mkdtemp(path.join(os.tmpdir(), 'dp-extract-'));
  context.restMode = { status: 'open' };
  context.rest = await startTestServer((request) => {
    if (context.restMode.status === 'limited') return { status: 429, headers: { 'retry-after': '120' }, body: { message: 'slow down' } };
    const since = request.query.get('since');
    return { body: ITEMS.filter((item) => since === null || item.updated_at > since) };
  });
  context.ynab = createFakeYnab([{ id: 'budget-a', name: 'Household' }]);
  context.ynab.put('budget-a', 'transactions', transaction('t1', -12_340));
  context.ynab.put('budget-a', 'transactions', transaction('t2', 250_000));
  context.ynabServer = await startTestServer(context.ynab.handle);
  await syncTestMetadata(context.db.pool, [
    bankTransactionsSource(),
    feedItemsSource(context.rest.url, { config: 'retry: { attempts: 2, base_delay_ms: 10, max_delay_ms: 20 }' }),
    { path: 'ynab.yml', text: ynabYaml(context.ynabServer.url) },
  ]);
  context.resources = createFunctionResources({
    databaseUrl: context.db.url,
    rawStoreUrl: `file://${path.join(context.dir, 'raw')}`,
    secrets: createEnvSecretStore({ lookup: (name) => (name === 'ynab-token' ? TOKEN : undefined) }),
    env: loadEnv({ DP_DATA_DIR: context.dir, DATABASE_URL: context.db.url }),
  });
});

extract.after(async ({ db, dir, resources, rest, ynabServer }) => {
  await resources.close();
  await rest.close();
  await ynabServer.close();
  await db.drop();
  await rm(dir, { recursive: true, force: true });
});

const filesHandler = (resources: FunctionResources) => createStepHandler({ functionName: 'files', step: 'extract', runner: runFilesExtract, resources, log });
const restHandler = (resources: FunctionResources) => createStepHandler({ functionName: 'rest', step: 'extract', runner: runRestExtract, resources, log });
const ynabHandler = (resources: FunctionResources) => createStepHandler({ functionName: 'ynab', step: 'extract', runner: runYnabExtract, resources, log });

const stepRow = z.object({ status: z.string(), rows_read: z.bigint(), rows_rejected: z.bigint(), detail: z.record(z.string(), z.unknown()) });

extract('files: the inbox snapshot becomes raw parts; bad rows are rejected with file and line; the import waits for silver', async ({ db, dir, resources }) => {
  const inbox = path.join(dir, 'inbox', 'bank');
  await mkdir(inbox, { recursive: true });
  await writeFile(path.join(inbox, 'transactions-2026-01.csv'), 'id,amount\nT1,-10.50\nT2,20\n,7\nT3,1,extra\n');
  const runId = await createTestRun(db.pool, { source: 'bank', dataset: 'transactions', load: 'full' });

  const answer = await callStep(filesHandler(resources), { runId, source: 'bank', dataset: 'transactions', step: 'extract', chunk: 0 });
  assert.is(answer.status, 200, JSON.stringify(answer.error));
  const result = answer.result!;
  assert.is(result.status, 'done');
  assert.is(result.counts.read, 2);
  assert.is(result.counts.rejected, 2);
  const rejects = result.detail.rejects as { origin: string; line: number; reason: string }[];
  assert.equal(rejects.map((reject) => [reject.origin, reject.line]).sort(), [['transactions-2026-01.csv', 4], ['transactions-2026-01.csv', 5]]);
  assert.is(result.unchanged, false);
  assert.equal(result.detail.imported, ['transactions-2026-01.csv']);

  const raw = createLocalRawStore(path.join(dir, 'raw'));
  const runRow = await db.pool.one(sql.type(z.object({ created_at: z.date() }))`SELECT created_at FROM platform.runs WHERE run_id = ${runId}`);
  const manifest = await raw.readManifest({ source: 'bank', dataset: 'transactions', runId, startedAt: runRow.created_at });
  assert.is(manifest?.complete, true, 'the raw run sits under the date of the run, where bronze looks for it');
  assert.is(manifest?.records, 2);

  const recorded = await db.pool.one(sql.type(stepRow)`SELECT status, rows_read, rows_rejected, detail FROM platform.run_steps WHERE run_id = ${runId} AND step = 'extract'`);
  assert.is(recorded.status, 'succeeded');
  assert.is(recorded.rows_read, 2n);
  assert.is(recorded.rows_rejected, 2n);
  const ledger = await db.pool.one(sql.type(z.object({ committed: z.boolean() }))`SELECT committed_at IS NOT NULL AS committed FROM platform.imported_files WHERE run_id = ${runId}`);
  assert.is(ledger.committed, false, 'the import is committed only with silver');
  await finishTestRun(db.pool, runId);
});

extract('files: an empty inbox answers unchanged (skip bronze and silver), with nothing written', async ({ db, dir, resources }) => {
  const runId = await createTestRun(db.pool, { source: 'bank', dataset: 'transactions', load: 'full' });
  const answer = await callStep(filesHandler(resources), { runId, source: 'bank', dataset: 'transactions', chunk: 0 });
  assert.is(answer.result?.status, 'done');
  assert.is(answer.result?.unchanged, true);
  assert.is(answer.result?.counts.read, 0);
  const files = await readdir(path.join(dir, 'raw', 'raw', 'bank', 'transactions'), { recursive: true });
  assert.not.ok(files.some((entry) => entry.includes(runId) && entry.includes('part-')), 'no raw part for an unchanged run');
  await finishTestRun(db.pool, runId);
});

extract('files: the shipped bank snapshot through the shipped metadata', async ({ dir }) => {
  const db = await createTestDatabase();
  const shipped = createFunctionResources({ databaseUrl: db.url, rawStoreUrl: `file://${path.join(dir, 'raw-shipped')}`, env: loadEnv({ DP_DATA_DIR: path.join(dir, 'shipped'), DATABASE_URL: db.url }) });
  try {
    await syncTestMetadata(db.pool, await readMetadataFolder(path.join(projectRoot, 'metadata')));
    await cp(path.join(projectRoot, 'metadata', 'samples', 'bank', 'snapshot-1'), path.join(dir, 'shipped', 'inbox', 'bank'), { recursive: true });
    const runId = await createTestRun(db.pool, { source: 'bank', dataset: 'accounts', load: 'full' });
    const answer = await callStep(filesHandler(shipped), { runId, source: 'bank', dataset: 'accounts', chunk: 0 });
    assert.is(answer.result?.status, 'done', JSON.stringify(answer.error));
    assert.is(answer.result?.counts.read, 3);
    assert.is(answer.result?.counts.rejected, 0);
  } finally {
    await shipped.close();
    await db.drop();
  }
});

extract('rest: a Retry-After past the budget continues later with resumeAt; the next chunk finishes and stages the cursor', async ({ db, resources, restMode }) => {
  const runId = await createTestRun(db.pool, { source: 'feed', dataset: 'items', load: 'delta' });
  restMode.status = 'limited';
  const first = await callStep(restHandler(resources), { runId, source: 'feed', dataset: 'items', chunk: 0, deadlineMs: 20_000 });
  assert.is(first.result?.status, 'continue', JSON.stringify(first.error));
  assert.ok(first.result?.checkpoint !== undefined);
  assert.type(first.result?.resumeAt, 'number');
  assert.ok((first.result?.resumeAt ?? 0) >= Date.now() + 100_000, 'not before the 120 s the API asked for');
  const recorded = await db.pool.oneFirst(sql.type(z.object({ resume_at: z.date().nullable() }))`SELECT resume_at FROM platform.run_steps WHERE run_id = ${runId} AND step = 'extract' AND chunk = 0`);
  assert.is(recorded?.getTime(), first.result?.resumeAt, 'the resume time is a typed column of the chunk');

  restMode.status = 'open';
  const second = await callStep(restHandler(resources), { runId, source: 'feed', dataset: 'items', chunk: 1, checkpoint: first.result?.checkpoint });
  assert.is(second.result?.status, 'done', JSON.stringify(second.error));
  assert.is(second.result?.counts.read, 2);
  assert.is(second.result?.detail.cursor_staged, true);
  assert.is(await readCursor(db.pool, { source: 'feed', dataset: 'items' }), null, 'staged, not committed');
  const staged = await db.pool.one(sql.type(z.object({ cursor: z.unknown() }))`SELECT cursor FROM platform.pending_cursors WHERE run_id = ${runId}`);
  assert.ok(JSON.stringify(staged.cursor).includes('2026-03-02T10:00:00Z'));
  await finishTestRun(db.pool, runId);
});

extract('ynab: a delta run starts from the cursor its last successful run committed; a full run ignores it', async ({ db, resources, ynab, ynabServer }) => {
  const first = await createTestRun(db.pool, { source: 'ynab', dataset: 'transactions', load: 'delta' });
  const one = await callStep(ynabHandler(resources), { runId: first, source: 'ynab', dataset: 'transactions', chunk: 0 });
  assert.is(one.result?.counts.read, 2, JSON.stringify(one.error));
  await db.pool.transaction((tx) => succeedRun(tx, { run_id: first, kind: 'dataset' }, new Date()));

  ynab.put('budget-a', 'transactions', transaction('t3', -5_000));
  const second = await createTestRun(db.pool, { source: 'ynab', dataset: 'transactions', load: 'delta' });
  const two = await callStep(ynabHandler(resources), { runId: second, source: 'ynab', dataset: 'transactions', chunk: 0 });
  assert.is(two.result?.counts.read, 1, 'only the change since the committed knowledge');
  assert.is(ynabServer.requests.at(-1)?.query.get('last_knowledge_of_server'), '2');
  await finishTestRun(db.pool, second);

  const third = await createTestRun(db.pool, { source: 'ynab', dataset: 'transactions', load: 'full', triggerDetail: { full: true } });
  const three = await callStep(ynabHandler(resources), { runId: third, source: 'ynab', dataset: 'transactions', chunk: 0 });
  assert.is(three.result?.counts.read, 3, 'everything again');
  assert.is(ynabServer.requests.at(-1)?.query.has('last_knowledge_of_server'), false);
  await finishTestRun(db.pool, third);
});

extract('a run sent to the wrong connector function is a 400 naming the right one; nothing is extracted', async ({ db, resources }) => {
  const runId = await createTestRun(db.pool, { source: 'feed', dataset: 'items', load: 'delta' });
  const answer = await callStep(filesHandler(resources), { runId, source: 'feed', dataset: 'items', chunk: 0 });
  assert.is(answer.status, 400);
  assert.is(answer.error?.code, 'step.wrong_connector');
  assert.match(answer.error?.message ?? '', /rest function/);
  await finishTestRun(db.pool, runId);
});

extract('a gold run is refused by an extract step', async ({ db, resources }) => {
  const runId = await createTestRun(db.pool, { kind: 'gold', source: 'gold', dataset: 'monthly' });
  const runner = createStepHandler({ functionName: 'files', step: 'extract', runner: createExtractRunner('files', { log }), resources, log });
  const answer = await callStep(runner, { runId, source: 'gold', dataset: 'monthly', chunk: 0 });
  assert.is(answer.status, 400);
  assert.is(answer.error?.code, 'step.wrong_run_kind');
});

extract.run();
