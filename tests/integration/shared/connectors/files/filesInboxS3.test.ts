/**
 * The files inbox on an object store, as on faasd (functions have no volume): `dp inbox put` uploads the
 * bank exports into `inbox/<source>/…` of the bucket, the files connector reads them there, archives them
 * under `archive/<source>/<dataset>/<run>/` in the same bucket, and sends a re-sent copy to `duplicates/`.
 * Against the project's S3 server (gofakes3), through the same object-store interface as production.
 */
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { z } from 'zod';

import { FilesConnector } from '#connectors/files/filesConnector.ts';
import { commitCursor } from '#pipeline/cursor/commitCursor.ts';
import { openFilesStores, type FilesStores } from '#connectors/files/filesStores.ts';
import { loadEnv, getEnv, projectRoot } from '#platform/env.ts';
import { sql } from '#platform/db/sql.ts';
import { createLogger } from '#platform/log.ts';
import type { RawRunRef } from '#platform/raw/rawStore.ts';
import { createEnvSecretStore } from '#platform/secrets/createEnvSecretStore.ts';
import { loadMetadata } from '#metadata/loadMetadata.ts';
import type { DatasetRef, Source } from '#metadata/schema.ts';
import { startLocalS3, type LocalS3 } from '#tools/services/s3Server.ts';
import { putInboxFiles } from '#tools/inbox/putInboxFiles.ts';
import { createHarness, extractInChunks, newRun, recordsOf, type Harness } from '#support/connectorHarness.ts';
import type { Connector } from '#connectors/connector.ts';
import type { PlatformError } from '#platform/errors.ts';
import superjson from 'superjson';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';
import { freePort } from '#support/freePort.ts';

type Context = { server: LocalS3; db: TestDatabase; harness: Harness; stores: FilesStores; bank: Source; env: NodeJS.ProcessEnv };
const inbox = suite<Context>('files inbox in an S3 bucket');
const SAMPLES = path.join(projectRoot, 'metadata', 'samples', 'bank');

inbox.before(async (context) => {
  context.server = await startLocalS3({ dataDir: getEnv().dataDir, port: await freePort(), bucket: 'dataplatform-raw', log: createLogger({ level: 'warn' }), credentials: { accessKeyId: 'dataplatform', secretAccessKey: 'dataplatform-secret' } });
  context.db = await createTestDatabase();
  context.env = {
    DP_INBOX_URL: 's3://dataplatform-raw/inbox',
    DP_ARCHIVE_URL: 's3://dataplatform-raw/archive',
    DP_S3_ENDPOINT: context.server.endpoint,
    DP_S3_ACCESS_KEY_ID: 'dataplatform',
    DP_S3_SECRET_ACCESS_KEY: 'dataplatform-secret',
  };
  context.stores = openFilesStores(loadEnv(context.env));
  context.bank = (await loadMetadata(path.join(projectRoot, 'metadata'))).sources.find((source) => source.source === 'bank')!;
  context.harness = await createHarness(createEnvSecretStore({ lookup: () => undefined }), { db: context.db.pool, env: loadEnv(context.env) });
});
inbox.after(async ({ server, db, harness }) => {
  await harness.cleanup();
  await db.drop();
  await server.stop();
});

async function startRun(context: Context, ref: DatasetRef): Promise<RawRunRef> {
  const run = { ...newRun(ref), runId: `run-${Math.random().toString(36).slice(2, 10)}` };
  await context.db.pool.query(sql.type(z.object({}))`
    INSERT INTO platform.runs (run_id, kind, source, dataset, load, trigger_kind, status)
    VALUES (${run.runId}, 'dataset', 'bank', ${ref.dataset.name}, ${ref.dataset.load}, 'manual', 'succeeded')`);
  return run;
}

inbox('dp inbox put uploads into the bucket where the functions look, and refuses a file no dataset would import', async (context) => {
  const dp = (...args: string[]) => spawnSync(process.execPath, [path.join(projectRoot, 'tools', 'cli', 'dp.mjs'), 'inbox', 'put', ...args], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, ...context.env } });
  const put = dp('bank.transactions', path.join(SAMPLES, 'snapshot-1', 'transactions.csv'));
  assert.is(put.status, 0, put.stderr);
  assert.match(put.stdout, 'put s3://dataplatform-raw/inbox/bank/transactions/transactions.csv');
  const refused = dp('bank.transactions', path.join(SAMPLES, 'snapshot-1', 'accounts.csv'));
  assert.is(refused.status, 1);
  assert.match(refused.stderr, /accounts\.csv would never be imported: no dataset of `bank` named `transactions` takes that name \(transactions: transactions\*\.csv\)/);
  assert.equal(await context.stores.inbox.list('bank/'), ['bank/transactions/transactions.csv']);
});

inbox('the files connector imports from the bucket and archives there; the same export again goes to duplicates', async (context) => {
  // Source-level put: each file goes where the dataset whose pattern takes it reads (the source's shared inbox).
  const snapshot = ['accounts.csv'].map((name) => path.join(SAMPLES, 'snapshot-1', name));
  const keys = await putInboxFiles(context.stores.inbox, context.bank, undefined, await Promise.all(snapshot.map(async (file) => ({ name: path.basename(file), bytes: await readFile(file) }))));
  assert.equal(keys, ['bank/accounts.csv']);

  const connector = new FilesConnector();
  const extract = async (dataset: string) => {
    const ref = { source: context.bank, dataset: context.bank.datasets.find((candidate) => candidate.name === dataset)! };
    const run = await startRun(context, ref);
    const result = await connector.extract({ ref, run, deadline: context.harness.clock.now() + 60_000 }, context.harness.context);
    return { run, result };
  };
  const transactions = await extract('transactions');
  assert.is(transactions.result.done, true);
  assert.ok(transactions.result.records > 0, 'the transactions export put by dp inbox put is read from bank/transactions/');
  const accounts = await extract('accounts');
  assert.is(accounts.result.records, (await readFile(snapshot[0]!, 'utf8')).trim().split('\n').length - 1);
  assert.equal((await recordsOf(context.harness.raw, accounts.run)).origins, ['accounts.csv']);
  assert.equal(await context.stores.inbox.list('bank/'), [], 'the inbox is empty');
  assert.equal(await context.stores.archive.list('bank/'), [`bank/accounts/${accounts.run.runId}/accounts.csv`, `bank/transactions/${transactions.run.runId}/transactions.csv`]);
  assert.match(String(transactions.result.detail.inbox), 's3://dataplatform-raw/inbox/bank/transactions/');

  // Silver committed the import; then the same export arrives again under another name.
  await context.db.pool.transaction((tx) => commitCursor(tx, accounts.run.runId));
  await putInboxFiles(context.stores.inbox, context.bank, 'accounts', [{ name: 'accounts-again.csv', bytes: await readFile(snapshot[0]!) }]);
  const again = await extract('accounts');
  assert.is(again.result.records, 0);
  assert.ok(again.result.unchanged, 'the same content is not imported twice');
  assert.equal(await context.stores.archive.list(`bank/accounts/duplicates/`), [`bank/accounts/duplicates/${again.run.runId}/accounts-again.csv`]);
});

inbox('a large CSV export streams from the bucket in ranges: each chunk reads on from its byte offset, the archive is the same bytes', async (context) => {
  const transactions = context.bank.datasets.find((candidate) => candidate.name === 'transactions')!;
  const ref = { source: context.bank, dataset: { ...transactions, extract: { ...transactions.extract, batch_size: 20_000 } } };
  const header = (await readFile(path.join(SAMPLES, 'snapshot-1', 'transactions.csv'), 'utf8')).split('\n')[0]!;
  const names = header.split(',');
  const rows = Array.from({ length: 120_000 }, (_, index) => names.map((name) => (name === 'id' || name.endsWith('_id') ? `t${index}` : /date|booked/.test(name) ? '2026-01-02' : /amount/.test(name) ? `${index % 997}.25` : `"memo, ${index}"`)).join(','));
  const bytes = Buffer.from(`${header}\n${rows.join('\n')}\n`);
  assert.ok(bytes.length > 2 * 4 * 1024 * 1024, `several ranges: ${bytes.length} bytes`);
  await context.stores.inbox.put('bank/transactions/transactions-big.csv', bytes);

  // count what is read from the bucket; each part written takes 3 s of the chunk's 5 s
  let read = 0;
  const inboxStore = { ...context.stores.inbox, getRange: async (key: string, start: number, length: number) => {
    const got = await context.stores.inbox.getRange(key, start, length);
    read += got?.length ?? 0;
    return got;
  } };
  const raw = context.harness.raw;
  const slowRaw = { ...raw, writePart: async (...args: Parameters<typeof raw.writePart>) => {
    context.harness.clock.advance(3000);
    return raw.writePart(...args);
  } };
  const harness = { ...context.harness, context: { ...context.harness.context, raw: slowRaw, files: { inbox: inboxStore, archive: context.stores.archive } } };
  const run = await startRun(context, ref);
  const { results, last } = await extractInChunks(new FilesConnector() as unknown as Connector<unknown, unknown, unknown>, harness, ref, run, 5000);
  assert.ok(results.length >= 6, `extracted in ${results.length} chunks`);
  assert.equal(last.detail.imported, ['transactions-big.csv']);
  const { records } = await recordsOf(raw, run);
  assert.is(records.length, 120_000);
  assert.equal((records as { id: string }[]).map((record) => record.id).slice(-2), ['t119998', 't119999']);
  // hashed once, parsed once, copied to the archive once: never re-read from the start per chunk
  assert.ok(read <= 3 * bytes.length + results.length * 4 * 1024 * 1024, `${read} bytes read for a file of ${bytes.length} in ${results.length} chunks`);
  assert.equal(await context.stores.archive.get(`bank/transactions/${run.runId}/transactions-big.csv`), bytes);
  assert.equal(await context.stores.inbox.list('bank/transactions/'), []);
});

inbox('a CSV rewritten in the bucket while it is imported stops the run with a clear conflict', async (context) => {
  const transactions = context.bank.datasets.find((candidate) => candidate.name === 'transactions')!;
  const ref = { source: context.bank, dataset: { ...transactions, extract: { ...transactions.extract, batch_size: 2 } } };
  const sample = await readFile(path.join(SAMPLES, 'snapshot-1', 'transactions.csv'));
  await context.stores.inbox.put('bank/transactions/transactions-moving.csv', sample);
  const run = await startRun(context, ref);
  const connector = new FilesConnector();
  const raw = context.harness.raw;
  const slowRaw = { ...raw, writePart: async (...args: Parameters<typeof raw.writePart>) => {
    context.harness.clock.advance(3000);
    return raw.writePart(...args);
  } };
  const context_ = { ...context.harness.context, raw: slowRaw };
  const first = await connector.extract({ ref, run, deadline: context.harness.clock.now() + 5000 }, context_);
  assert.is(first.done, false);
  await context.stores.inbox.put('bank/transactions/transactions-moving.csv', Buffer.concat([sample, Buffer.from('')]).subarray(0, sample.length - 1));
  try {
    await connector.extract({ ref, run, checkpoint: superjson.parse(superjson.stringify(first.checkpoint)), deadline: context.harness.clock.now() + 5000 }, context_);
    assert.unreachable('a changed file must not be read on');
  } catch (error) {
    assert.is((error as PlatformError).code, 'files.changed_during_import');
    assert.match((error as Error).message, 's3://dataplatform-raw/inbox/bank/transactions/transactions-moving.csv changed while it was being imported');
  }
  await context.stores.inbox.delete(['bank/transactions/transactions-moving.csv']);
});

inbox('an attempt that dies right after moving a file to the archive in the bucket is retried from its checkpoint in the middle of the file: it reads the archive copy', async (context) => {
  const transactions = context.bank.datasets.find((candidate) => candidate.name === 'transactions')!;
  const ref = { source: context.bank, dataset: { ...transactions, extract: { ...transactions.extract, batch_size: 4 } } };
  const sample = await readFile(path.join(SAMPLES, 'snapshot-1', 'transactions.csv'));
  await context.stores.inbox.put('bank/transactions/transactions-retried.csv', sample);
  const run = await startRun(context, ref);
  const connector = new FilesConnector();
  const raw = context.harness.raw;
  const slowRaw = { ...raw, writePart: async (...args: Parameters<typeof raw.writePart>) => {
    context.harness.clock.advance(3000);
    return raw.writePart(...args);
  } };
  const chunk = (checkpoint: unknown, files: FilesStores) => connector.extract({ ref, run, checkpoint, deadline: context.harness.clock.now() + 5000 }, { ...context.harness.context, raw: slowRaw, files });
  // every chunk's first attempt dies right after a move out of the inbox (Postgres gone before its outcome is
  // recorded); the retry starts from the same checkpoint, in the middle of the file
  let died = 0;
  const dying = { ...context.stores, inbox: { ...context.stores.inbox, delete: async (keys: readonly string[]) => {
    await context.stores.inbox.delete(keys);
    died += 1;
    throw new Error('attempt died after the move');
  } } };
  let checkpoint: unknown;
  let result = await chunk(undefined, context.stores);
  assert.is(result.done, false, 'the first chunk stops in the middle of the file');
  for (let n = 0; n < 20 && !result.done; n += 1) {
    checkpoint = superjson.parse(superjson.stringify(result.checkpoint));
    result = await chunk(checkpoint, dying).catch(() => chunk(checkpoint, context.stores));
  }
  assert.is(died, 1, 'one attempt died after the move');
  assert.is(result.done, true);
  assert.equal(result.detail.imported, ['transactions-retried.csv']);
  const ids = ((await recordsOf(raw, run)).records as { id: string }[]).map((record) => record.id);
  assert.equal(ids, sample.toString().trim().split('\n').slice(1).map((line) => line.split(',')[0]));
  assert.equal(await context.stores.archive.get(`bank/transactions/${run.runId}/transactions-retried.csv`), sample);
  assert.equal(await context.stores.inbox.list('bank/transactions/'), []);
});

inbox.run();
