import { fileURLToPath } from 'node:url';

import { getEnv } from '#platform/env.ts';
import { withMongo } from '#platform/mongo/createMongoClient.ts';
import { openObjectStore } from '#platform/raw/openObjectStore.ts';
import { backupIdDate } from '#lifecycle/archive/backupManifest.ts';
import { formatBytes } from '#lifecycle/archive/formatBytes.ts';
import { listBackups, readBackupManifest } from '#lifecycle/archive/listBackups.ts';
import { startManualBackup } from '#lifecycle/backup/backupRecords.ts';
import { runRecordedBackup } from '#lifecycle/backup/runRecordedBackup.ts';
import { checkFlags } from '../checkFlags.ts';
import { parseArgs, type Command } from '../command.ts';
import { createOperatorPool } from '../createOperatorPool.ts';
import { formatTable } from '../formatTable.ts';
import { openBackupTarget } from '../openBackupTarget.ts';
import { printUsage } from '../printUsage.ts';
import { readCountFlag } from '../readCountFlag.ts';
import { withUsage } from '../withUsage.ts';

const USAGE = [
  'dp backup [--to=<folder>|s3://<bucket>/<prefix>] [--jobs=1] [--keep-daily=7] [--keep-weekly=4] [--no-prune] [--json]',
  'dp backup --list [--to=…] [--json]',
  '',
  '  One dated archive of the whole platform: Postgres (pg_dump), bronze (through the driver), the raw',
  '  files (only those no earlier backup stored) and a manifest with sizes and checksums. Old backups',
  '  beyond the retention are deleted afterwards. --to defaults to DP_BACKUP_URL. See docs/operations.md.',
];

async function list(location: string | undefined, json: boolean, out: (text: string) => void): Promise<number> {
  const target = openBackupTarget(getEnv(), location);
  const folders = await listBackups(target);
  const manifests = await Promise.all(folders.complete.map((id) => readBackupManifest(target, id)));
  if (json) {
    out(JSON.stringify({ location: target.location, backups: manifests.map((manifest) => ({ id: manifest.id, started_at: manifest.started_at, finished_at: manifest.finished_at, stored_bytes: manifest.stored_bytes, raw_files: manifest.raw.objects.length, new_raw_files: manifest.raw.new_objects })), incomplete: folders.incomplete }, null, 2));
    return 0;
  }
  if (manifests.length === 0) {
    out(`no backups in ${target.location}`);
    return 0;
  }
  const rows = manifests.map((manifest) => {
    const seconds = (Date.parse(manifest.finished_at) - Date.parse(manifest.started_at)) / 1000;
    const rows = manifest.postgres.tables.reduce((sum, table) => sum + table.rows, 0);
    return [manifest.id, backupIdDate(manifest.id).toISOString().replace('.000', ''), `${seconds.toFixed(1)} s`, formatBytes(manifest.stored_bytes), rows.toLocaleString('en-US'), `${manifest.raw.objects.length} (${manifest.raw.new_objects} new)`];
  });
  out(`backups in ${target.location}`);
  for (const line of formatTable(['ID', 'STARTED', 'TOOK', 'STORED', 'POSTGRES ROWS', 'RAW FILES'], rows)) out(line);
  if (folders.incomplete.length > 0) out(`incomplete (running or failed): ${folders.incomplete.join(', ')}`);
  return 0;
}

export const backupCommand: Command = {
  summary: 'back up Postgres, bronze and the raw files into one dated archive',
  usage: USAGE,
  run: withUsage('backup', USAGE, async (args, io) => {
    const { positional, flags } = parseArgs(args);
    checkFlags('backup', flags, ['to', 'jobs', 'keep-daily', 'keep-weekly', 'no-prune', 'list', 'json']);
    if (positional.length > 0) {
      io.err(`dp backup: unexpected argument \`${positional[0]}\``);
      printUsage(io, USAGE);
      return 2;
    }
    const to = flags.get('to');
    if (to === true) {
      io.err('dp backup: --to needs a folder or s3://<bucket>/<prefix>');
      printUsage(io, USAGE);
      return 2;
    }
    const json = flags.has('json');
    if (flags.has('list')) return list(to, json, io.out);

    const env = getEnv();
    const jobs = readCountFlag(flags.get('jobs'), 'jobs', 1, 2) ?? env.backupJobs;
    const retention = flags.has('no-prune') ? null : { daily: readCountFlag(flags.get('keep-daily'), 'keep-daily', 0, 7) ?? env.backupKeepDaily, weekly: readCountFlag(flags.get('keep-weekly'), 'keep-weekly', 0, 4) ?? env.backupKeepWeekly };
    const target = openBackupTarget(env, to);
    const raw = openObjectStore(env.rawStoreUrl, env, 'DP_RAW_STORE_URL');
    const pool = await createOperatorPool(env.databaseUrl);
    try {
      const row = await startManualBackup(pool);
      const result = await withMongo(
        (bronze) =>
          runRecordedBackup(pool, row, {
            pool,
            databaseUrl: env.databaseUrl,
            bronze,
            raw,
            target,
            workDir: env.backupWorkDir,
            jobs,
            retention,
            ...(env.pgBinDir === undefined ? {} : { pgBinDir: env.pgBinDir }),
            progress: (event) => io.err(`${event.phase.padEnd(9)} ${event.message}`),
          }),
        { url: env.mongodbUrl },
      );
      if (json) {
        io.out(JSON.stringify({ id: result.id, location: target.location, manifest: { ...result.manifest, raw: { ...result.manifest.raw, objects: result.manifest.raw.objects.length } }, pruned: result.pruned }, null, 2));
      } else {
        const seconds = (Date.parse(result.manifest.finished_at) - Date.parse(result.manifest.started_at)) / 1000;
        const folder = `${target.location.replace(/\/?$/, '/')}backups/${result.id}`;
        io.out(`backup ${result.id} written to ${folder}/ in ${seconds.toFixed(1)} s: ${formatBytes(result.manifest.stored_bytes)} stored, ${result.manifest.raw.new_objects} new of ${result.manifest.raw.objects.length} raw files`);
        io.out(`restore it with: dp restore ${folder.startsWith('file://') ? fileURLToPath(folder) : folder}`);
      }
      return 0;
    } finally {
      await pool.end();
    }
  }),
};
