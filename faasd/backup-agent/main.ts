/**
 * The backup agent's process (faasd/docker-compose.yaml, service `backup-agent`): runs the backups the
 * `backup` function's schedule requests, with pg_dump of the server's major version, into DP_BACKUP_URL.
 * Configuration is the platform's own (shared/platform/env.ts); SIGTERM stops it after the backup in progress.
 */
import { createPool } from '#platform/db/createPool.ts';
import { getEnv } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { createMongoClient } from '#platform/mongo/createMongoClient.ts';
import { backupAgentOptionsFrom, runBackupAgent } from '#lifecycle/backup/runBackupAgent.ts';

const env = getEnv();
const log = createLogger();
const stop = new AbortController();
process.once('SIGTERM', () => stop.abort());
process.once('SIGINT', () => stop.abort());

// A dump's snapshot transaction lasts as long as pg_dump: no statement limit of a function here.
const pool = await createPool({ url: env.databaseUrl, maximumPoolSize: 2, statementTimeoutMs: 12 * 3_600_000 });
const client = await createMongoClient({ url: env.mongodbUrl });
try {
  await runBackupAgent(backupAgentOptionsFrom(env, { pool, bronze: client.db(), log, signal: stop.signal }));
} finally {
  await Promise.allSettled([pool.end(), client.close()]);
}
