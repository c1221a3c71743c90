import type { Env } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { createMongoClient } from '#platform/mongo/createMongoClient.ts';
import { backupAgentOptionsFrom, runBackupAgent } from '#lifecycle/backup/runBackupAgent.ts';
import { createOperatorPool } from './createOperatorPool.ts';

/**
 * The backup agent inside `dp up`, as the compose service runs it on faasd: the `backup` function's
 * schedule records a request, this runs it (into DP_BACKUP_URL). Returns the function that stops it.
 */
export async function startLocalBackupAgent(env: Env, sink: (line: string) => void): Promise<() => Promise<void>> {
  const pool = await createOperatorPool(env.databaseUrl);
  const client = await createMongoClient({ url: env.mongodbUrl });
  const stop = new AbortController();
  const log = createLogger({ format: 'text', fields: {}, sink, level: 'info' });
  const running = runBackupAgent(backupAgentOptionsFrom(env, { pool, bronze: client.db(), log, signal: stop.signal }));
  return async () => {
    stop.abort();
    await running.catch(() => undefined);
    await Promise.allSettled([pool.end(), client.close()]);
  };
}
