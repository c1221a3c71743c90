import { mkdir } from 'node:fs/promises';
import path from 'node:path';

import { suite, type Test } from 'uvu';

import { createEnvSecretStore } from '#platform/secrets/createEnvSecretStore.ts';
import { createHarness, type Harness } from './connectorHarness.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export type FilesConnectorContext = { db: TestDatabase; harness: Harness; inbox: string; archive: string };

/**
 * A uvu suite for the files connector on real Postgres (its import ledger): one throwaway database for the suite,
 * and for each test a fresh connector harness with the `bank.transactions` inbox created and its archive folder named.
 */
export function filesConnectorSuite(name: string): Test<FilesConnectorContext> {
  const files = suite<FilesConnectorContext>(name);
  files.before(async (context) => {
    context.db = await createTestDatabase();
  });
  files.after(async ({ db }) => {
    await db.drop();
  });
  files.before.each(async (context) => {
    context.harness = await createHarness(createEnvSecretStore({ lookup: () => undefined }), { db: context.db.pool });
    context.inbox = path.join(context.harness.dir, 'data', 'inbox', 'bank', 'transactions');
    context.archive = path.join(context.harness.dir, 'data', 'archive', 'bank', 'transactions');
    await mkdir(context.inbox, { recursive: true });
  });
  files.after.each(async ({ harness }) => {
    await harness.cleanup();
  });
  return files;
}
