import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';

import type { ObjectStore } from '#platform/raw/objectStore.ts';
import type { BackupManifest } from '../archive/backupManifest.ts';
import { readStoredFile } from '../archive/readStoredFile.ts';
import { runPgTool, toPgConnection } from '../archive/runPgTool.ts';
import type { BackupProgress } from '../backup/backupProgress.ts';

export type RestorePostgresOptions = {
  readonly postgres: BackupManifest['postgres'];
  readonly target: ObjectStore;
  /** The database to restore into (it must exist). */
  readonly url: string;
  readonly workDir: string;
  /** pg_restore workers. Default 2. */
  readonly jobs?: number;
  /** Drop the objects the archive holds before creating them (a database that already has the tables). */
  readonly clean?: boolean;
  readonly binDir?: string;
  readonly progress?: BackupProgress;
};

/**
 * Fetches the dump into `workDir` (each object checked against the manifest on the way) and restores it
 * with pg_restore, in parallel (`-j`): both formats are seekable files, which parallel restore needs.
 * Ownership and privileges are not restored: the objects belong to the user of DATABASE_URL.
 */
export async function restorePostgres(options: RestorePostgresOptions): Promise<void> {
  await rm(options.workDir, { recursive: true, force: true });
  await mkdir(options.workDir, { recursive: true });
  try {
    for (const file of options.postgres.files) {
      const local = path.join(options.workDir, file.name);
      await mkdir(path.dirname(local), { recursive: true });
      const out = createWriteStream(local);
      await readStoredFile(options.target, file, async (bytes) => {
        if (!out.write(bytes)) await once(out, 'drain');
      });
      out.end();
      await once(out, 'finish');
    }
    const archive = path.join(options.workDir, options.postgres.format === 'custom' ? (options.postgres.files[0]?.name ?? '') : (options.postgres.files[0]?.name.split('/')[0] ?? ''));
    const jobs = Math.max(1, options.jobs ?? 2);
    options.progress?.({ phase: 'postgres', message: `restoring ${options.postgres.database} (${options.postgres.format} format) with pg_restore, ${jobs} job(s)` });
    const connection = toPgConnection(options.url);
    await runPgTool(
      'pg_restore',
      ['--no-owner', '--no-privileges', '--exit-on-error', `--jobs=${jobs}`, ...(options.clean === true ? ['--clean', '--if-exists'] : []), `--dbname=${connection.dbname}`, archive],
      { ...(options.binDir === undefined ? {} : { binDir: options.binDir }), ...(connection.password === undefined ? {} : { password: connection.password }) },
    );
  } finally {
    await rm(options.workDir, { recursive: true, force: true });
  }
}
