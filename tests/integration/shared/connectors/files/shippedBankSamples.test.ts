/**
 * The demo path: the shipped bank exports (metadata/samples/bank) dropped together in the bank
 * source's inbox are imported by the shipped metadata (metadata/bank.yml), one snapshot per run.
 */
import { cp, readdir } from 'node:fs/promises';
import path from 'node:path';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { FilesConnector } from '#connectors/files/filesConnector.ts';
import { insertActiveRun } from '#pipeline/runStore/insertActiveRun.ts';
import { succeedRun } from '#pipeline/succeedRun.ts';
import { projectRoot } from '#platform/env.ts';
import { connectorSettings } from '#metadata/connectorSettings.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import { validateMetadata } from '#metadata/validateMetadata.ts';
import { createEnvSecretStore } from '#platform/secrets/createEnvSecretStore.ts';
import { createHarness, newRun, recordsOf, type Harness } from '#support/connectorHarness.ts';
import { createTestDatabase, type TestDatabase } from '#support/database.ts';

const samples = suite<{ db: TestDatabase; harness: Harness }>('files connector on the shipped bank samples');
const connector = new FilesConnector();

samples.before(async (context) => {
  context.db = await createTestDatabase();
  context.harness = await createHarness(createEnvSecretStore({ lookup: () => undefined }), { db: context.db.pool });
});
samples.after(async ({ db, harness }) => {
  await harness.cleanup();
  await db.drop();
});

async function bankRefs(): Promise<Record<string, DatasetRef>> {
  const validation = validateMetadata(await readMetadataFolder(path.join(projectRoot, 'metadata')), { connectors: connectorSettings });
  const bank = validation.metadata?.sources.find((source) => source.source === 'bank');
  if (bank === undefined) throw new Error('metadata/bank.yml did not validate');
  return Object.fromEntries(bank.datasets.map((dataset) => [dataset.name, { source: bank, dataset }]));
}

samples('snapshot 1, then snapshot 2, then snapshot 1 again: two imports per dataset and a duplicate', async ({ db, harness }) => {
  const refs = await bankRefs();
  const inbox = path.join(harness.dir, 'data', 'inbox', 'bank');
  const runOnce = async (dataset: string) => {
    const ref = refs[dataset] as DatasetRef;
    const run = newRun(ref);
    await insertActiveRun(db.pool, { runId: run.runId, kind: 'dataset', source: 'bank', dataset, load: 'full', trigger: 'manual', triggerDetail: {}, metadataVersion: null }, new Date());
    const result = await connector.extract({ ref, run, deadline: harness.clock.now() + 60_000 }, harness.context);
    await db.pool.transaction((tx) => succeedRun(tx, { run_id: run.runId, kind: 'dataset' }, new Date()));
    return { result, records: (await recordsOf(harness.raw, run)).records as Record<string, string>[] };
  };

  await cp(path.join(projectRoot, 'metadata', 'samples', 'bank', 'snapshot-1'), inbox, { recursive: true });
  const accounts1 = await runOnce('accounts');
  const transactions1 = await runOnce('transactions');
  assert.is(accounts1.records.length, 3);
  assert.is(transactions1.records.length, 17);
  assert.equal(accounts1.result.rejects, []);
  assert.ok(transactions1.records.every((record) => typeof record.id === 'string' && record.id.startsWith('T')));
  assert.equal(await readdir(inbox), [], 'both exports were taken from the shared source inbox');

  await cp(path.join(projectRoot, 'metadata', 'samples', 'bank', 'snapshot-2'), inbox, { recursive: true });
  assert.is((await runOnce('transactions')).records.length, 33);
  assert.is((await runOnce('accounts')).records.length, 3);

  await cp(path.join(projectRoot, 'metadata', 'samples', 'bank', 'snapshot-1'), inbox, { recursive: true });
  const again = await runOnce('transactions');
  assert.is(again.result.unchanged, true);
  assert.is(again.records.length, 0);
  assert.is((again.result.detail.duplicates as string[]).length, 1);
});

samples.run();
