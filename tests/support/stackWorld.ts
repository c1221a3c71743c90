/**
 * The real stack.yml behind the local gateway, on throwaway databases and folders, with the shipped
 * metadata synced: what the end-to-end tests of the orchestrator, the CLI and the step functions share.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { projectRoot } from '#platform/env.ts';
import { createLocalGateway, type LocalGateway } from '#tools/gateway/createLocalGateway.ts';
import type { ScheduleDriver } from '#tools/gateway/createScheduleDriver.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from './database.ts';
import { syncTestMetadata } from './stepRuns.ts';

export type StackWorld = {
  readonly db: TestDatabase;
  readonly mongo: TestMongo;
  /** Folder holding the raw store (`raw/`), the files inboxes (`inbox/`) and archives (`archive/`). */
  readonly dir: string;
  readonly gateway: LocalGateway;
  /** Stops the gateway and its functions, drops the databases and removes the folder. */
  readonly close: () => Promise<void>;
};

/** Starts the functions named in `only` from the real stack.yml, wired to fresh databases. */
export async function startStackWorld(options: { readonly only: readonly string[]; readonly scheduleDriver?: ScheduleDriver | null; readonly logLevel?: string; readonly functionEnv?: Readonly<Record<string, string>> }): Promise<StackWorld> {
  const db = await createTestDatabase();
  const mongo = await createTestMongo();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-stack-e2e-'));
  await syncTestMetadata(db.pool, await readMetadataFolder(path.join(projectRoot, 'metadata')));
  const gateway = await createLocalGateway({
    stackFile: path.join(projectRoot, 'stack.yml'),
    only: [...options.only],
    port: 0,
    credentials: { user: 'admin', password: `e2e-${randomBytes(6).toString('hex')}` },
    scheduleDriver: options.scheduleDriver ?? null,
    functionEnv: {
      DATABASE_URL: db.url,
      MONGODB_URL: mongo.url,
      DP_RAW_STORE_URL: pathToFileURL(path.join(dir, 'raw')).href,
      DP_INBOX_DIR: path.join(dir, 'inbox'),
      DP_ARCHIVE_DIR: path.join(dir, 'archive'),
      // no secret anywhere: a source that needs one fails at once
      DP_SECRETS_PROVIDER: 'env',
      ...(options.logLevel === undefined ? {} : { DP_LOG_LEVEL: options.logLevel }),
      ...options.functionEnv,
    },
    output: () => undefined,
  });
  return {
    db,
    mongo,
    dir,
    gateway,
    close: async () => {
      await gateway.close();
      await mongo.drop();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
