/**
 * A world for the layer step runners: a throwaway Postgres and MongoDB database, a temporary raw
 * store, inbox and archive, the shipped metadata (or the test's own) synced into the catalog, and
 * the real step handlers of every function, called in process as the function server calls them.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { loadEnv, projectRoot } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import type { MetadataFileText } from '#metadata/validateMetadata.ts';
import { createFunctionResources, type FunctionResources } from '#platform/function/createFunctionResources.ts';
import { createStepHandler } from '#pipeline/createStepHandler.ts';
import type { FunctionHandler } from '#template/functionContract.ts';
import { runBronzeStepStagingSilver } from '#silver/runBronzeStepStagingSilver.ts';
import { runFilesExtract } from '#extract/runFilesExtract.ts';
import { runGoldStep } from '#gold/runGoldStep.ts';
import { runRestExtract } from '#extract/runRestExtract.ts';
import { runSilverStep } from '#silver/runSilverStep.ts';
import type { StepName } from '#pipeline/pipeline.ts';
import { createEnvSecretStore } from '#platform/secrets/createEnvSecretStore.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from './database.ts';
import { succeedRun } from '#pipeline/succeedRun.ts';
import { callStep, createTestRun, syncTestMetadata, type StepAnswer, type TestRun } from './stepRuns.ts';

export type StepWorld = {
  readonly db: TestDatabase;
  readonly mongo: TestMongo;
  readonly dir: string;
  readonly resources: FunctionResources;
  readonly handlers: Readonly<Record<'files' | 'rest' | 'bronze' | 'silver' | 'gold', FunctionHandler>>;
  /** Copies metadata/samples/bank/snapshot-N into the bank source's inbox. */
  readonly dropBankSnapshot: (snapshot: 1 | 2) => Promise<void>;
  /** Creates a running run (at the current metadata version) and returns its id. */
  readonly startRun: (run: TestRun) => Promise<string>;
  /** Calls one step of a run; asserts nothing. */
  readonly step: (handler: FunctionHandler, runId: string, run: { source: string; dataset: string }, extra?: { chunk?: number; checkpoint?: unknown; deadlineMs?: number; step?: StepName }) => Promise<StepAnswer>;
  /** Ends a dataset run as succeeded the way the orchestrator does (succeedRun: its staged cursor and imported files are committed). */
  readonly succeedRun: (runId: string) => Promise<void>;
  /** extract (with `extract`), bronze and silver of a new run of the dataset, each until done; throws on a failed step. The run then succeeds (succeedRun). */
  readonly runDataset: (source: string, dataset: string, extract: FunctionHandler) => Promise<{ runId: string; extract: StepAnswer[]; bronze: StepAnswer; silver: StepAnswer }>;
  readonly cleanup: () => Promise<void>;
};

/** Builds a world on the shipped metadata, or on `metadata` (YAML files by path) when given. */
export async function createStepWorld(options: { readonly metadata?: readonly MetadataFileText[]; readonly secrets?: Readonly<Record<string, string>> } = {}): Promise<StepWorld> {
  const db = await createTestDatabase();
  const mongo = await createTestMongo();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dp-steps-'));
  await syncTestMetadata(db.pool, options.metadata ?? (await readMetadataFolder(path.join(projectRoot, 'metadata'))));
  const env = loadEnv({ DP_DATA_DIR: dir, DATABASE_URL: db.url, MONGODB_URL: mongo.url, DP_LOG_LEVEL: 'error' });
  const secrets = options.secrets ?? {};
  const resources = createFunctionResources({ env, rawStoreUrl: env.rawStoreUrl, secrets: createEnvSecretStore({ lookup: (name) => secrets[name] }) });
  const log = createLogger({ level: 'error', fields: {}, sink: () => undefined });
  const handler = (functionName: string, step: StepName, runner: Parameters<typeof createStepHandler>[0]['runner']) => createStepHandler({ functionName, step, runner, resources, log });
  const handlers = {
    files: handler('files', 'extract', runFilesExtract),
    rest: handler('rest', 'extract', runRestExtract),
    bronze: handler('bronze', 'bronze', runBronzeStepStagingSilver),
    silver: handler('silver', 'silver', runSilverStep),
    gold: handler('gold', 'gold', runGoldStep),
  };
  const step: StepWorld['step'] = (stepHandler, runId, run, extra = {}) => callStep(stepHandler, { runId, source: run.source, dataset: run.dataset, chunk: extra.chunk ?? 0, ...extra });
  const untilDone = async (stepHandler: FunctionHandler, runId: string, run: { source: string; dataset: string }): Promise<StepAnswer[]> => {
    const answers: StepAnswer[] = [];
    let checkpoint: unknown;
    for (let chunk = 0; chunk < 100; chunk += 1) {
      const answer = await step(stepHandler, runId, run, { chunk, ...(checkpoint === undefined ? {} : { checkpoint }) });
      answers.push(answer);
      if (answer.result === undefined) throw new Error(`step failed: ${answer.status} ${JSON.stringify(answer.error)}`);
      if (answer.result.status === 'done') return answers;
      checkpoint = answer.result.checkpoint;
    }
    throw new Error('step never finished');
  };
  const succeed = async (runId: string): Promise<void> => {
    await db.pool.transaction((tx) => succeedRun(tx, { run_id: runId, kind: 'dataset' }, new Date()));
  };
  return {
    db,
    mongo,
    dir,
    resources,
    handlers,
    dropBankSnapshot: async (snapshot) => {
      await cp(path.join(projectRoot, 'metadata', 'samples', 'bank', `snapshot-${snapshot}`), path.join(env.inboxDir, 'bank'), { recursive: true });
    },
    startRun: async (run) => createTestRun(db.pool, run),
    succeedRun: succeed,
    step,
    runDataset: async (source, dataset, extract) => {
      const run = { source, dataset };
      const runId = await createTestRun(db.pool, run);
      const extracted = await untilDone(extract, runId, run);
      const [bronze] = (await untilDone(handlers.bronze, runId, run)).slice(-1);
      const [silver] = await untilDone(handlers.silver, runId, run);
      await succeed(runId);
      return { runId, extract: extracted, bronze: bronze!, silver: silver! };
    },
    cleanup: async () => {
      await resources.close();
      await mongo.drop();
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
