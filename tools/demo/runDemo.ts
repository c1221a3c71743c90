import path from 'node:path';

import { createPool } from '#platform/db/createPool.ts';
import { projectRoot, type Env } from '#platform/env.ts';
import { createMongoClient } from '#platform/mongo/createMongoClient.ts';
import type { CommandIo } from '#tools/cli/command.ts';
import { createOrchestratorClient } from '#tools/cli/createOrchestratorClient.ts';
import { runTarget } from '#tools/cli/describeRun.ts';
import { displayPath } from '#tools/cli/displayPath.ts';
import { openFilesStores } from '#connectors/files/filesStores.ts';
import { findFilesSource } from './findFilesSource.ts';
import { loadSnapshot } from './loadSnapshot.ts';
import { printDemoSummary } from './printDemoSummary.ts';
import { readDemoSummary } from './readDemoSummary.ts';

export type RunDemoOptions = {
  readonly gatewayUrl: string;
  readonly env: Env;
  readonly io: CommandIo;
  /** The demo source. Default `bank` (metadata/bank.yml). */
  readonly source?: string;
  /** Snapshot folders, loaded in order. Default metadata/samples/<source>/snapshot-1 and snapshot-2. */
  readonly snapshots?: readonly string[];
  /** Gold models each change must rebuild. Default `monthly_spending`. */
  readonly models?: readonly string[];
  /** Milliseconds between polls of the orchestrator. Default 200. */
  readonly pollMs?: number;
  /** Where the function logs are written (named when a run fails), when they are not on the terminal. */
  readonly logDir?: string;
};

/** The URL with its password masked, for printing. */
function maskPassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '<password>';
  return parsed.toString();
}

/**
 * The demo on a running platform: drops each bank export snapshot into the source's inbox, runs
 * the source through the orchestrator (extract → bronze → silver, then the gold models its change
 * starts), and prints what landed: tables and row counts, the history silver kept, the time per
 * layer, and how to query it. Resolves to false when a run failed.
 */
export async function runDemo(options: RunDemoOptions): Promise<boolean> {
  const { env, io } = options;
  const source = options.source ?? 'bank';
  const snapshots = options.snapshots ?? ['snapshot-1', 'snapshot-2'].map((name) => path.join(projectRoot, 'metadata', 'samples', source, name));
  const client = createOrchestratorClient({ gatewayUrl: options.gatewayUrl });
  const pool = await createPool({ url: env.databaseUrl, maximumPoolSize: 2 });
  const mongo = await createMongoClient({ url: env.mongodbUrl }).catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });
  try {
    const inbox = { store: openFilesStores(env).inbox, source: await findFilesSource(pool, source) };
    io.out('');
    io.out(`demo: loading the ${source} exports (${snapshots.map((dir) => path.basename(dir)).join(', ')}) through raw → bronze → silver → gold`);
    for (const snapshotDir of snapshots) {
      const outcome = await loadSnapshot({ client, io, snapshotDir, inbox, models: options.models ?? ['monthly_spending'], pollMs: options.pollMs ?? 200 });
      if (outcome.failed.length > 0) {
        for (const detail of outcome.failed) {
          io.err(`demo: ${runTarget(detail.run)} failed${detail.run.error ? `: ${detail.run.error.message} [${detail.run.error.code}]` : ''} — see \`dp logs ${detail.run.run_id}\`, the console${options.logDir === undefined ? ' and the log above' : ` and ${displayPath(options.logDir)}/`}`);
        }
        return false;
      }
    }
    const summary = await readDemoSummary(pool, mongo.db(), source);
    for (const line of printDemoSummary(summary, { databaseUrl: maskPassword(env.databaseUrl) })) io.out(line);
    return true;
  } finally {
    await Promise.allSettled([pool.end(), mongo.close()]);
  }
}
