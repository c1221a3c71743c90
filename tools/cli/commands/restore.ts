import { getEnv } from '#platform/env.ts';
import { ValidationError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { withMongo } from '#platform/mongo/createMongoClient.ts';
import { openObjectStore } from '#platform/raw/openObjectStore.ts';
import { listBackups } from '#lifecycle/archive/listBackups.ts';
import { restoreBackup } from '#lifecycle/restore/restoreBackup.ts';
import { ensureMongo, ensurePostgres } from '#tools/services/services.ts';
import { checkFlags } from '../checkFlags.ts';
import { parseArgs, type Command } from '../command.ts';
import { createOperatorPool } from '../createOperatorPool.ts';
import { formatTable } from '../formatTable.ts';
import { openBackupTarget, parseArchiveArgument } from '../openBackupTarget.ts';
import { printUsage } from '../printUsage.ts';
import { readCountFlag } from '../readCountFlag.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp restore <archive> [--force] [--jobs=2] [--json]',
  '',
  '  <archive> is the folder of one backup (<folder>/backups/<id> or s3://<bucket>/<prefix>/backups/<id>),',
  '  or a backup id (or `latest`) in DP_BACKUP_URL. Restores into the platform of DATABASE_URL,',
  '  MONGODB_URL and DP_RAW_STORE_URL, which must hold no data (--force replaces what the archive holds),',
  '  then checks every count against the manifest and applies newer migrations. See docs/operations.md.',
];

export const restoreCommand: Command = {
  summary: 'restore a backup into an empty platform and verify it',
  usage: USAGE,
  run: withUsage('restore', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('restore', flags, ['force', 'jobs', 'json']);
    if (positional.length !== 1) {
      io.err(positional.length === 0 ? 'dp restore: which archive? Give the folder of a backup, or a backup id' : `dp restore: unexpected argument \`${positional[1]}\``);
      printUsage(io, USAGE);
      return 2;
    }
    const env = getEnv();
    const archive = parseArchiveArgument(positional[0] as string);
    const target = openBackupTarget(env, archive.location);
    let id = archive.id;
    if (id === 'latest') {
      const latest = (await listBackups(target)).complete.at(-1);
      if (latest === undefined) throw new ValidationError('backup.not_found', `There is no complete backup in ${target.location}.`);
      id = latest;
    }
    const log = createLogger({ format: 'text', fields: {}, sink: io.err, level: 'warn' });
    await ensurePostgres(env, log);
    await ensureMongo(env, log);
    const raw = openObjectStore(env.rawStoreUrl, env, 'DP_RAW_STORE_URL');
    const pool = await createOperatorPool(env.databaseUrl);
    try {
      const result = await withMongo(
        (bronze) =>
          restoreBackup({
            target,
            id,
            pool,
            databaseUrl: env.databaseUrl,
            bronze,
            raw,
            workDir: env.backupWorkDir,
            force: flags.has('force'),
            ...(readCountFlag(flags.get('jobs'), 'jobs', 1, 2) === undefined ? {} : { jobs: readCountFlag(flags.get('jobs'), 'jobs', 1, 2) as number }),
            ...(env.pgBinDir === undefined ? {} : { pgBinDir: env.pgBinDir }),
            progress: (event) => io.err(`${event.phase.padEnd(9)} ${event.message}`),
          }),
        { url: env.mongodbUrl },
      );
      if (flags.has('json')) {
        io.out(JSON.stringify({ id: result.manifest.id, ok: result.verification.ok, checks: result.verification.checks, mismatches: result.verification.mismatches, migrated: result.migrated }, null, 2));
      } else {
        const rows = result.verification.checks.map((check) => [check.what, check.expected.toLocaleString('en-US'), check.actual < 0 ? 'missing' : check.actual.toLocaleString('en-US'), check.expected === check.actual ? 'ok' : 'DIFFERS']);
        for (const line of formatTable(['CHECK', 'MANIFEST', 'RESTORED', ''], rows)) io.out(line);
        io.out(result.verification.ok ? `restored backup ${result.manifest.id}: every count matches the manifest${result.migrated.length > 0 ? `; then applied ${result.migrated.join(', ')}` : ''}` : `restored backup ${result.manifest.id}, but ${result.verification.mismatches.length} count(s) differ from the manifest`);
      }
      return result.verification.ok ? 0 : 1;
    } finally {
      await pool.end();
    }
  }),
};
