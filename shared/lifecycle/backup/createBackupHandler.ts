import type { FunctionContext, FunctionEvent, FunctionHandler } from '#template/functionContract.ts';
import type { DatabasePool } from '#platform/db/sql.ts';
import { PlatformError } from '#platform/errors.ts';
import { isCronInvocation } from '#platform/function/isCronInvocation.ts';
import { toJsonSafe } from '#platform/function/toJsonSafe.ts';
import { withErrorReplies } from '#platform/function/withErrorReplies.ts';
import { listRecentBackups, requestBackup } from './backupRecords.ts';

/**
 * The `backup` function: its cron schedule (stack.yml) and `POST /` record a backup request, which the
 * backup agent (a compose service with pg_dump) runs — the dump of a large database outlasts a
 * function's 60 s. `GET /` lists the latest backups. Answers at once either way.
 */
export function createBackupHandler(pool: () => Promise<DatabasePool>): FunctionHandler {
  return withErrorReplies(async (event: FunctionEvent, context: FunctionContext) => {
    const path = event.path === '' ? '/' : event.path;
    if (path !== '/' && path !== '/backups' && path !== '/backups/') {
      throw new PlatformError('route.not_found', `The backup function has no route ${event.method} ${path}; routes: POST / (request a backup; the cron-connector's call), GET / (the latest backups).`, { status: 404 });
    }
    if (event.method === 'GET') {
      context.status(200).succeed(toJsonSafe({ backups: await listRecentBackups(await pool()) }));
      return;
    }
    if (event.method !== 'POST') {
      throw new PlatformError('route.method_not_allowed', `${event.method} ${path} is not allowed; use GET or POST.`, { status: 405 });
    }
    const requested = await requestBackup(await pool(), isCronInvocation(event) ? 'schedule' : 'manual');
    const body = { backup_id: requested.backup.backup_id, status: requested.backup.status, created: requested.created, ...(requested.created ? {} : { note: 'a backup is already requested or running; this request joins it' }) };
    context.status(requested.created ? 202 : 200).succeed(toJsonSafe(body));
  });
}
