/**
 * backup — records a backup request on its cron schedule (stack.yml) or a POST; the backup agent, a
 * compose service with pg_dump, runs it (docs/operations.md). GET lists the latest backups.
 */
import { createBackupHandler } from '#lifecycle/backup/createBackupHandler.ts';
import { createFunctionResources } from '#platform/function/createFunctionResources.ts';

const resources = createFunctionResources();

export default createBackupHandler(resources.pool);
