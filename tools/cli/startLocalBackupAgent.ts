import type { Env } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { createMongoClient } from '#platform/mongo/createMongoClient.ts';
import { openObjectStore } from '#platform/raw/openObjectStore.ts';
import { runBackupAgent } from '#lifecycle/backup/runBackupAgent.ts';
import { createOperatorPool } from './createOperatorPool.ts';

/**
 * The backup agent inside `dp up`, as the compose service runs it on faasd: the `backup` function's
 * schedule records a request, this runs it (into DP_BACKUP_URL). Returns the function that stops it.
 */
export async function startLocalBackupAgent(env: Env, sink: (line: string) => void): Promise<() => Promise<void>> {
  const pool = await createOperatorPool(env.databaseUrl);
  const client = await createMongoClient({ url: env.mongodbUrl });
  const stop = new AbortController();
  const running = runBackupAgent({
    pool,
    databaseUrl: env.databaseUrl,
    bronze: client.db(),
    raw: openObjectStore(env.rawStoreUrl, env, 'DP_RAW_STORE_URL'),
    target: openObjectStore(env.backupUrl, env, 'DP_BACKUP_URL'),
    workDir: env.backupWorkDir,
    jobs: env.backupJobs,
    retention: { daily: env.backupKeepDaily, weekly: env.backupKeepWeekly },
    ...(env.pgBinDir === undefined ? {} : { pgBinDir: env.pgBinDir }),
    signal: stop.signal,
    log: createLogger({ format: 'text', fields: {}, sink, level: 'info' }),
  });
  return async () => {
    stop.abort();
    await running.catch(() => undefined);
    await Promise.allSettled([pool.end(), client.close()]);
  };
}
